// `porthole 3000`: who holds the port, on every protocol and family. Exit 0 held, 1 free.
import { Engine } from '../../core/engine.js';
import { platformIdentity } from '../../core/identity.js';
import type { PlannedSupervision } from '../../core/supervision.js';
import { superviseAll, supervisionReader } from '../../core/supervision-lookup.js';
import type { ProcessInfo, Snapshot, Socket } from '../../core/model.js';
import { holdsPort, isLeftBehind, stateCounts } from '../../core/port-view.js';
import { printJson, printWarnings, type CliIO } from '../io.js';
import { jsonSnapshot } from '../output/json.js';
import { conflictLine, endpoint, remoteEndpoint, sortForDisplay, truncate } from '../output/table.js';
import { alignColumns, type Style } from '../output/style.js';
import { freeItLines } from '../output/free-it.js';
import { oneLine } from '../output/printable.js';
import { ago, localDateTime } from '../output/time.js';

/**
 * Held: some process (or a hidden one) has a socket on the port, connections included (on Linux
 * they stand in a new server's way). Connections no process holds any more (TIME_WAIT, FIN_WAIT2
 * after the server exited) leave it free of processes: `why` says whether they block a bind.
 */
export function isHeld(sockets: Socket[]): boolean {
  return sockets.some((s) => s.state !== 'TIME_WAIT' && !isLeftBehind(s));
}

export async function runPort(options: { port: number; json: boolean }, io: CliIO): Promise<number> {
  const snapshot = await new Engine().snapshot({ port: options.port });
  const sockets = sortForDisplay(snapshot.sockets.filter((s) => s.localPort === options.port));
  const held = isHeld(sockets);
  if (options.json) {
    printJson(io, { port: options.port, held, ...jsonSnapshot(snapshot, sockets) });
  } else {
    const restarts = await restartsOf(ownersOf(snapshot, sockets));
    io.out(describePort(options.port, snapshot, sockets, io.style, restarts).join('\n'));
    printWarnings(io, snapshot.issues.warnings);
  }
  return held ? 0 : 1;
}

/**
 * Who would start the owners again, for the text answer. Not on Windows, where finding out starts
 * PowerShell (a second or more): `porthole kill` and `why` say it there. Not in --json either, whose
 * shape is the same everywhere; `why --json` has it as `restarts`.
 */
async function restartsOf(owners: ProcessInfo[]): Promise<PlannedSupervision[]> {
  if (owners.length === 0 || process.platform === 'win32') return [];
  return superviseAll(owners, supervisionReader(process.platform, platformIdentity()));
}

/** The processes holding the port's sockets, as the snapshot describes them. */
function ownersOf(snapshot: Snapshot, sockets: Socket[]): ProcessInfo[] {
  return ownerPidsOf(sockets).flatMap((pid) => snapshot.processes.get(pid) ?? []);
}

const ownerPidsOf = (sockets: Socket[]): number[] => [...new Set(sockets.flatMap((s) => s.pids))].sort((a, b) => a - b);

export function describePort(port: number, snapshot: Snapshot, sockets: Socket[], style: Style, restarts: readonly PlannedSupervision[] = []): string[] {
  if (!isHeld(sockets)) {
    const lingering = sockets.filter((s) => s.state === 'TIME_WAIT' || isLeftBehind(s));
    const one = lingering.length === 1;
    const note =
      lingering.length === 0
        ? ''
        : style.dim(
            ` (${one ? `1 closed connection lingers in ${lingering[0]!.state}` : `${lingering.length} closed connections linger (${stateCounts(lingering)})`}, held by no process; porthole why ${port} tells whether ${one ? 'it blocks' : 'they block'} a new server)`,
          );
    return [`${style.green(`:${port} is free.`)}${note}`];
  }
  const lines: string[] = [];
  const ownerPids = ownerPidsOf(sockets);
  const owners = ownersOf(snapshot, sockets);
  const names = ownerPids.map((pid) => `${snapshot.processes.get(pid)?.name ?? 'unknown'} (pid ${pid})`);
  const hidden = sockets.filter((s) => s.owner === 'hidden');
  const holder = names.length > 0 ? names.join(', ') : hidden.length > 0 ? 'a process the OS hides from us' : 'no process (kernel-only sockets)';
  lines.push(`${style.bold(`:${port}`)} is held by ${style.bold(holder)}`);

  lines.push(
    ...alignColumns(
      sockets.map((s) => [
        '  ' + style.dim(`${s.protocol}${s.family}`),
        endpoint(s),
        s.remoteAddress === null ? '' : `→ ${remoteEndpoint(s)}`,
        s.state,
        s.owner === 'known' ? `pid ${s.pids.join(',')}` : s.owner === 'hidden' ? 'owner hidden' : '',
        s.service ? style.yellow(s.service.name) : '',
      ]),
    ),
  );
  for (const p of owners) lines.push(...processLines(p, style));
  for (const s of hidden.slice(0, 1)) lines.push(style.yellow(`  ${s.hiddenReason ?? 'The owner is hidden.'}`));
  for (const c of snapshot.conflicts) lines.push(conflictLine(c, style));
  for (const r of restarts) lines.push(style.yellow(`${r.text} ${r.stop}`));
  // Only connections on the port (a client's outgoing one): `kill PORT` leaves those alone.
  const connectionsOnly = !sockets.some(holdsPort);
  lines.push(...freeItLines(port, owners, style, restarts, process.platform, connectionsOnly));
  return lines;
}

function processLines(p: ProcessInfo, style: Style): string[] {
  const rows: string[][] = [];
  rows.push(['  ' + style.dim(`pid ${p.pid}`), style.bold(oneLine(p.name))]);
  if (p.command) rows.push(['  ' + style.dim('command'), truncate(oneLine(p.command), 400)]);
  if (p.cwd) rows.push(['  ' + style.dim('cwd'), oneLine(p.cwd)]);
  const facts = [
    p.user ? `user ${p.user}` : '',
    p.startTime !== null ? `started ${localDateTime(p.startTime)} (${ago(p.startTime)})` : '',
    p.ppid === null ? '' : p.parentName ? `parent ${oneLine(p.parentName)} (pid ${p.ppid})` : `parent pid ${p.ppid}`,
  ].filter(Boolean);
  if (facts.length > 0) rows.push(['  ' + style.dim('about'), facts.join(' · ')]);
  return alignColumns(rows);
}
