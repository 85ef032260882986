// After the kill: is the port really free? Two independent answers must agree: no socket holds it
// any more, and a real bind on the same address succeeds. A respawned server or a surviving child
// that inherited the socket shows up here, not as a silent "done".
import type { KillDeps, PortCheck, PortCheckHolder } from './kill-types.js';
import { endpointLabel, holdsPort, isLeftBehind, protocolLabel, stateCounts, type PortSocket } from './port-view.js';
import type { BindSpec } from './trial-bind.js';

export interface VerifyContext {
  /** Pids from the plan that are still alive (not forced, or survived). */
  stillRunning: ReadonlySet<number>;
  /** Every pid the plan covered. */
  planned: ReadonlySet<number>;
}

type VerifyDeps = Pick<KillDeps, 'sockets' | 'trialBind' | 'readIdentity' | 'supervisionOf'>;

export async function verifyPorts(checks: readonly BindSpec[], deps: VerifyDeps, ctx: VerifyContext): Promise<PortCheck[]> {
  const ports = [...new Set(checks.map((c) => c.port))].sort((a, b) => a - b);
  const out: PortCheck[] = [];
  for (const port of ports) out.push(await verifyPort(port, checks.filter((c) => c.port === port), deps, ctx));
  return out;
}

async function verifyPort(port: number, specs: BindSpec[], deps: VerifyDeps, ctx: VerifyContext): Promise<PortCheck> {
  const protocols = new Set(specs.map((s) => s.protocol));
  let sockets: readonly PortSocket[] | null = null;
  let lookupError = '';
  try {
    sockets = (await deps.sockets({ port })).sockets.filter((s) => s.localPort === port && protocols.has(s.protocol));
  } catch (err) {
    lookupError = (err as Error).message;
  }
  const holding = (sockets ?? []).filter(holdsPort);
  const holders: PortCheckHolder[] = holding.map((s) => ({ protocol: s.protocol, endpoint: endpointLabel(s), pids: s.pids, owner: s.owner }));
  const timeWait = (sockets ?? []).filter((s) => s.state === 'TIME_WAIT').length;

  // One at a time: two of our own probes on overlapping addresses would collide with each other.
  // Each holds the port for well under a millisecond.
  const binds: PortCheck['binds'] = [];
  for (const spec of specs) binds.push({ spec, result: await deps.trialBind(spec) });
  const failed = binds.filter((b) => !b.result.ok);
  const free = holders.length === 0 && failed.length === 0;

  let message: string;
  let restartedBy: PortCheck['restartedBy'];
  if (free) {
    message = `:${port} is free: ${sockets === null ? `(the sockets could not be listed: ${lookupError}) ` : 'nothing holds it and '}a trial bind of ${specs.map(bindLabel).join(', ')} succeeded.`;
    if (timeWait > 0) {
      message += ` ${timeWait} old connection${timeWait === 1 ? '' : 's'} linger${timeWait === 1 ? 's' : ''} in TIME_WAIT; owned by no process, ${timeWait === 1 ? 'it doesn' : 'they don'}'t block a server that sets SO_REUSEADDR (Node, Go, nginx and most servers do).`;
    }
  } else if (holders.length > 0) {
    const parts = await Promise.all(holding.map((s) => describeHolder(s, deps, ctx)));
    message = `:${port} is still held: ${parts.map((p) => p.text).join('; ')}.`;
    restartedBy = parts.find((p) => p.restartedBy)?.restartedBy;
  } else {
    message = await unexplainedFailure(port, failed[0]!, sockets, lookupError, deps);
  }
  return { port, holders, timeWait, binds, free, message, ...(restartedBy ? { restartedBy } : {}) };
}

async function describeHolder(s: PortSocket, deps: Pick<KillDeps, 'readIdentity' | 'supervisionOf'>, ctx: VerifyContext): Promise<{ text: string; restartedBy?: PortCheck['restartedBy'] }> {
  const where = `${protocolLabel(s.protocol)} ${endpointLabel(s)}`;
  if (s.owner !== 'known') return { text: `${where} by a process we cannot see${s.hiddenReason ? ` (${s.hiddenReason})` : ''}` };
  let restartedBy: PortCheck['restartedBy'];
  const who = await Promise.all(
    s.pids.map(async (pid) => {
      const id = await deps.readIdentity(pid);
      const name = `${id?.name ?? 'a process'} (pid ${pid})`;
      if (ctx.stillRunning.has(pid)) return `${name}, which is still running`;
      if (ctx.planned.has(pid)) return name;
      const supervisor = await deps.supervisionOf(pid).catch(() => null);
      if (supervisor && supervisor.restarts !== 'never') {
        restartedBy ??= { by: supervisor.by, stop: supervisor.stop };
        return `${name}, which was not in the plan: ${supervisor.by} started it again`;
      }
      const parent = id?.ppid != null && id.ppid > 1 ? await deps.readIdentity(id.ppid) : null;
      return parent
        ? `${name}, which was not in the plan: its parent ${parent.name} (pid ${parent.pid}) may have started it again; to stop both, porthole kill pid:${parent.pid} --tree`
        : `${name}, which was not in the plan`;
    }),
  );
  return { text: `${where} by ${who.join(', ')}`, ...(restartedBy ? { restartedBy } : {}) };
}

/**
 * Nothing listens on the port, yet a bind fails: say what is in the way, when the socket table shows
 * it. A connection whose local port this is (kill leaves clients alone), or connections that outlived
 * the stopped server: those block every bind when that server did not set SO_REUSEADDR.
 */
async function unexplainedFailure(port: number, failed: PortCheck['binds'][number], sockets: readonly PortSocket[] | null, lookupError: string, deps: VerifyDeps): Promise<string> {
  const code = failed.result.ok ? '' : failed.result.code;
  const inUse = code === 'EADDRINUSE';
  const owned = (sockets ?? []).filter((s) => !holdsPort(s) && !isLeftBehind(s) && s.pids.length > 0);
  if (inUse && owned.length > 0) {
    const pids = [...new Set(owned.flatMap((s) => s.pids))].sort((a, b) => a - b);
    const names = await Promise.all(pids.map(async (pid) => `${(await deps.readIdentity(pid))?.name ?? 'a process'} (pid ${pid})`));
    const has = pids.length === 1 ? 'has a connection' : 'have connections';
    return `:${port} is not free: ${names.join(', ')} ${has} whose local port is ${port}, which kill leaves alone; to free the port, stop ${pids.length === 1 ? 'it' : 'them'}: porthole kill pid:${pids[0]!}.`;
  }
  const left = (sockets ?? []).filter(isLeftBehind);
  if (inUse && left.length > 0) {
    const one = left.length === 1;
    const finWait = left.some((s) => s.state !== 'TIME_WAIT') ? ', FIN_WAIT2 once the other end closes its side' : '';
    return `:${port} is not free yet: ${one ? '1 connection' : `${left.length} connections`} outlived the stopped server (${stateCounts(left)}), and as it did not set SO_REUSEADDR, every bind of :${port} fails until ${one ? 'it ends' : 'they end'}: TIME_WAIT within about 60 s${finWait}.`;
  }
  return `No socket we can see holds :${port}, yet a trial bind of ${bindLabel(failed.spec)} failed with ${code}${
    sockets === null ? ` (the sockets could not be listed: ${lookupError})` : ''
  }: another user's process or another network namespace may hold it.`;
}

function bindLabel(spec: BindSpec): string {
  const addr = spec.address === null ? '*' : spec.address.includes(':') ? `[${spec.address}]` : spec.address;
  return `${protocolLabel(spec.protocol)} ${addr}:${spec.port}`;
}
