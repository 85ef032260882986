// Windows' graceful stop for console programs, decided here and sent by kill-console-win32.ts.
//
// Windows has no SIGTERM. `taskkill /PID n` only asks a program's windows to close, and a server
// started from a terminal (node, python, dotnet, java) has none, so taskkill refuses without /F.
// What such a server does understand is Ctrl+C: Node turns it into SIGINT, Python into
// KeyboardInterrupt, Go into os.Interrupt, ASP.NET Core into a graceful shutdown.
//
// But a Ctrl+C goes to every process attached to a console, never to one pid. So it is sent only
// when every other process on the target's console either started it there (the shell, npm, a
// batch file: they get the Ctrl+C a user would have typed in that window) or was started by it.
// One unrelated process on that console (a second server started in the same window) and nothing
// is sent: the caller reports why, and --force remains. Nor when Porthole, or what started it, is
// on that console: Porthole would stop itself (or the terminal it was typed in).
//
// The helper reports, one line each (see kill-console-win32.ts for the script):
//   SELF <pid>                    the helper's own pid, which is on the console too
//   <pid>|<ppid>|<ms>|<exe>|<name>  the whole process table, read before attaching (CIM_ROW)
//   CONSOLE <pid> <pid> ...       the processes on the target's console, once attached
//   NOCONSOLE <win32 error>       the target has no console (a windowed program, a service), or
//                                 attaching was refused (another user's, elevated)
//   READY                         waiting for GO, then:
//   SENT | NOTSENT <win32 error>
import { parseCimLine, type CimRow } from './identity-win32.js';

export interface ConsoleHelperReport {
  helperPid: number | null;
  /** pid -> the process table's row, as the helper saw it before attaching. */
  processes: Map<number, CimRow>;
  /** null: the helper has not said (it failed, or its output was cut short). */
  console: { attached: true; members: number[] } | { attached: false; error: number | null } | null;
  ready: boolean;
  /** After GO: whether GenerateConsoleCtrlEvent succeeded; null when not said. */
  sent: { ok: true } | { ok: false; error: number | null } | null;
  /** Lines that fit no form above (PowerShell's own noise, a cut line). */
  skipped: number;
}

/** Read the helper's output so far. Never throws: whatever is unreadable is counted and skipped. */
export function parseConsoleHelper(text: string): ConsoleHelperReport {
  const report: ConsoleHelperReport = { helperPid: null, processes: new Map(), console: null, ready: false, sent: null, skipped: 0 };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    const [word, ...rest] = line.split(/\s+/);
    if (word === 'SELF' && rest.length === 1 && isPid(rest[0]!)) report.helperPid = Number(rest[0]);
    else if (word === 'CONSOLE' && rest.length > 0 && rest.every(isPid)) report.console = { attached: true, members: rest.map(Number) };
    else if (word === 'NOCONSOLE' && rest.length <= 1) report.console = { attached: false, error: winError(rest[0]) };
    else if (word === 'READY' && rest.length === 0) report.ready = true;
    else if (word === 'SENT' && rest.length === 0) report.sent = { ok: true };
    else if (word === 'NOTSENT' && rest.length <= 1) report.sent = { ok: false, error: winError(rest[0]) };
    else {
      const row = parseCimLine(line);
      if (row && row.pid > 0) report.processes.set(row.pid, row);
      else report.skipped++;
    }
  }
  return report;
}

export interface ConsoleTarget {
  pid: number;
  /** The start time the kill plan recorded: a pid reused since then is not the process to stop. */
  startTime?: number;
}

export interface ConsolePeer {
  pid: number;
  name: string;
  /**
   * How it relates to the target; 'porthole' is Porthole itself or one of its ancestors. Only
   * 'unrelated' and 'porthole' peers stop the Ctrl+C.
   */
  relation: 'started it' | 'started by it' | 'unrelated' | 'porthole';
}

export type ConsoleVerdict =
  | { send: true; peers: ConsolePeer[] }
  | {
      send: false;
      reason: 'no-console' | 'shared' | 'gone' | 'reused' | 'incomplete';
      message: string;
      peers: ConsolePeer[];
      /** With 'no-console': AttachConsole's error (6: the target has no console; 87: no such process; 5: not ours). */
      attachError?: number | null;
    };

/**
 * Whether a Ctrl+C on the target's console stops only the target and its own kin. `selfPid`:
 * Porthole's own process, which must not be on that console, nor anything that started it.
 */
export function judgeConsole(target: ConsoleTarget, report: ConsoleHelperReport, selfPid: number): ConsoleVerdict {
  const row = report.processes.get(target.pid);
  const name = row?.name ?? `pid ${target.pid}`;
  const refuse = (reason: Exclude<ConsoleVerdict, { send: true }>['reason'], message: string, peers: ConsolePeer[] = []): ConsoleVerdict => ({ send: false, reason, message, peers });

  if (report.console?.attached === false) {
    return { send: false, reason: 'no-console', message: `${name} (pid ${target.pid}) has no console to send Ctrl+C to.`, peers: [], attachError: report.console.error };
  }
  if (report.console === null || report.helperPid === null || !report.ready) return refuse('incomplete', 'the console helper stopped before saying who shares the console.');
  if (!row || !report.console.members.includes(target.pid)) return refuse('gone', `pid ${target.pid} had already exited.`);
  if (target.startTime !== undefined && row.startTime !== target.startTime) {
    return refuse('reused', `pid ${target.pid} now belongs to a different process (${row.name}): the one planned has exited.`);
  }

  const peers: ConsolePeer[] = [];
  for (const pid of new Set(report.console.members)) {
    if (pid === target.pid || pid === report.helperPid) continue;
    const relation =
      pid === selfPid || startedBy(selfPid, pid, report.processes)
        ? 'porthole'
        : startedBy(target.pid, pid, report.processes)
          ? 'started it'
          : startedBy(pid, target.pid, report.processes)
            ? 'started by it'
            : 'unrelated';
    peers.push({ pid, name: report.processes.get(pid)?.name ?? 'a process that started after the table was read', relation });
  }
  const ours = peers.filter((p) => p.relation === 'porthole');
  if (ours.length > 0) {
    const who = ours.some((p) => p.pid === selfPid) ? `Porthole itself (pid ${selfPid}) is` : `${listPeers(ours)}, which started Porthole, ${ours.length === 1 ? 'is' : 'are'}`;
    return refuse('shared', `Ctrl+C was not sent: it reaches every program in a console, and ${who} on ${name}'s console.`, peers);
  }
  const unrelated = peers.filter((p) => p.relation === 'unrelated');
  if (unrelated.length > 0) {
    return refuse(
      'shared',
      `Ctrl+C was not sent: it reaches every program in a console, and ${listPeers(unrelated)} share${unrelated.length === 1 ? 's' : ''} ${name}'s console without having started it or been started by it.`,
      peers,
    );
  }
  return { send: true, peers };
}

/** What the kill report shows for a Ctrl+C that went out: the human action with the same effect. */
export function ctrlCHow(target: ConsoleTarget, peers: ConsolePeer[]): string {
  const how = `Ctrl+C in the console of pid ${target.pid}`;
  if (peers.length === 0) return how;
  return `${how} (${listPeers(peers)} on that console ${peers.length === 1 ? 'gets' : 'get'} it too, as from a Ctrl+C typed there)`;
}

/**
 * Whether `ancestor` is on `pid`'s chain of parents. Windows keeps a dead parent's pid in its
 * children and reuses pids, so a "parent" that started after its child is not the parent.
 */
function startedBy(pid: number, ancestor: number, table: ReadonlyMap<number, CimRow>): boolean {
  const seen = new Set<number>();
  let child = table.get(pid);
  while (child && !seen.has(child.pid)) {
    seen.add(child.pid);
    const parent = table.get(child.ppid);
    if (!parent || parent.pid === child.pid) return false;
    if (parent.startTime !== null && child.startTime !== null && parent.startTime > child.startTime) return false;
    if (parent.pid === ancestor) return true;
    child = parent;
  }
  return false;
}

function listPeers(peers: ConsolePeer[]): string {
  const names = peers.slice(0, 4).map((p) => `${p.name} (pid ${p.pid})`);
  if (peers.length > 4) names.push(`${peers.length - 4} more`);
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
}

function isPid(text: string): boolean {
  return /^\d{1,10}$/.test(text) && Number(text) > 0;
}

function winError(text: string | undefined): number | null {
  return text !== undefined && /^\d{1,10}$/.test(text) ? Number(text) : null;
}
