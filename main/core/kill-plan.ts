// Decide what a kill would do, without doing it: which pids, who they are, which ports they hold,
// and which ones we refuse. The CLI shows this before asking for confirmation.
import { withDefaults } from './kill-deps.js';
import { criticalRefusal } from './kill-critical.js';
import { guardRefusal } from './kill-guard.js';
import type { HeldPort, KillCandidate, KillDeps, KillPlan, KillTarget, PlannedSupervision, Refusal } from './kill-types.js';
import type { Protocol } from './model.js';
import { endpointLabel, holdsPort, ownersLabel, processName, protocolLabel, type PortSocket, type PortView } from './port-view.js';
import { superviseAll } from './supervision-lookup.js';
import { isValidPort, type BindSpec } from './trial-bind.js';

export interface PlanOptions {
  /** Also stop every descendant of each target (see kill.ts for the order). */
  tree?: boolean;
  deps?: Partial<KillDeps>;
}

export async function planKill(target: KillTarget, options: PlanOptions = {}): Promise<KillPlan> {
  const deps = withDefaults(options.deps);
  const tree = options.tree ?? false;
  const refusals: Refusal[] = [];
  const notes: string[] = [];
  let supervision: PlannedSupervision[] = [];
  const ancestors = new Set(await deps.ancestorsOf(deps.selfPid));
  const finish = (candidates: KillCandidate[], checks: BindSpec[]): KillPlan => ({
    target,
    tree,
    createdAt: deps.now(),
    candidates,
    refusals,
    checks,
    notes,
    supervision,
    summary: summarize(target, candidates, refusals),
  });

  let view: PortView | undefined;
  let roots: number[];
  if ('port' in target) {
    if (!isValidPort(target.port)) {
      refusals.push({ pid: null, reason: 'invalid-port', message: `${String(target.port)} is not a port: ports run from 1 to 65535.` });
      return finish([], []);
    }
    try {
      view = await deps.sockets({ port: target.port });
    } catch (err) {
      refusals.push({ pid: null, reason: 'lookup-failed', message: `Could not list the sockets on :${target.port}: ${(err as Error).message}` });
      return finish([], []);
    }
    roots = describePort(target.port, target.protocol, view, refusals, notes);
  } else {
    roots = [target.pid];
  }

  const candidates: KillCandidate[] = [];
  const taken = new Set<number>();
  const add = async (pid: number, role: KillCandidate['role']): Promise<void> => {
    if (taken.has(pid)) return;
    taken.add(pid);
    const refusal = guardRefusal(pid, deps.selfPid, ancestors);
    if (refusal) return void refusals.push(refusal);
    const id = await deps.readIdentity(pid);
    // Before "not found": Windows' System (pid 4) has no identity to read, and is no mystery.
    const critical = criticalRefusal(deps.platform, pid, { name: id?.name ?? view?.processes?.get(pid)?.name, exe: id?.exe, kernelThread: id?.kernelThread });
    if (critical) return void refusals.push(critical);
    if (!id) {
      // A descendant that exited while we looked needs no mention; a named target does.
      if (role === 'target') refusals.push({ pid, reason: 'not-found', message: `There is no process with pid ${pid} (it may have exited already).` });
      return;
    }
    candidates.push({ pid, name: processName(view, pid, id.name), startTime: id.startTime, ppid: id.ppid, role, foundAt: 'plan', ports: [] });
  };
  for (const pid of roots) await add(pid, 'target');
  if (tree) {
    for (const root of candidates.filter((c) => c.role === 'target')) {
      try {
        for (const pid of await deps.descendantsOf(root.pid)) await add(pid, 'descendant');
      } catch (err) {
        notes.push(`Could not list the children of pid ${root.pid}: ${(err as Error).message}`);
      }
    }
  }

  if (!('port' in target) && candidates.length > 0) {
    try {
      view = await deps.sockets();
    } catch (err) {
      notes.push(`Could not list sockets, so the ports these processes hold are unknown: ${(err as Error).message}`);
    }
  }
  for (const c of candidates) {
    c.ports = (view?.sockets ?? []).filter((s) => holdsPort(s) && s.pids.includes(c.pid)).map(toHeldPort);
  }
  const checks = 'port' in target ? portChecks(target.port, target.protocol, view) : dedupe(candidates.flatMap((c) => c.ports).map(toBindSpec));
  await nameEveryone(candidates, refusals, view, deps, ancestors);
  // A supervisor the plan stops too (a --tree from it) restarts nothing.
  supervision = await superviseAll(
    candidates.filter((c) => c.role === 'target'),
    deps.supervisionOf,
    new Set(candidates.map((c) => c.pid)),
  );
  return finish(parentsFirst(candidates), checks);
}

/**
 * Full names for the pids the plan mentions that the socket view did not name (a pid target with no
 * sockets, init, Porthole's own shell): "bash (pid 812) started Porthole", not "unknown (pid 812)".
 */
async function nameEveryone(candidates: KillCandidate[], refusals: Refusal[], view: PortView | undefined, deps: KillDeps, ancestors: ReadonlySet<number>): Promise<void> {
  const guarded = (r: Refusal) => r.pid !== null && (r.reason === 'init' || r.reason === 'self' || r.reason === 'ancestor');
  const unnamed = [...candidates.map((c) => c.pid), ...refusals.filter(guarded).map((r) => r.pid!)].filter((pid) => !view?.processes?.has(pid));
  let names = new Map<number, string>();
  if (unnamed.length > 0) {
    try {
      names = await deps.namesOf(unnamed);
    } catch {
      // Names are for the reader; the short names planning already has will do.
    }
  }
  const nameOf = (pid: number) => view?.processes?.get(pid)?.name ?? names.get(pid);
  for (const c of candidates) c.name = nameOf(c.pid) ?? c.name;
  for (let i = 0; i < refusals.length; i++) {
    const r = refusals[i]!;
    if (guarded(r)) refusals[i] = guardRefusal(r.pid!, deps.selfPid, ancestors, nameOf) ?? r;
  }
}

/** Refusals and notes about the sockets on the port; returns the pids that hold it. */
function describePort(port: number, protocol: Protocol | undefined, view: PortView, refusals: Refusal[], notes: string[]): number[] {
  const onPort = view.sockets.filter((s) => s.localPort === port && (protocol === undefined || s.protocol === protocol));
  const holding = onPort.filter(holdsPort);
  for (const s of holding.filter((h) => h.owner !== 'known')) {
    const why = s.hiddenReason ?? 'the OS did not say who owns it.';
    refusals.push({ pid: null, reason: 'hidden-owner', message: `${protocolLabel(s.protocol)} ${endpointLabel(s)} is held by a process we cannot see, so we cannot stop it: ${why}` });
  }
  const timeWait = onPort.filter((s) => s.state === 'TIME_WAIT').length;
  if (timeWait > 0) {
    notes.push(
      timeWait === 1
        ? `1 connection on :${port} is in TIME_WAIT: owned by no process, it expires on its own and doesn't block a server that sets SO_REUSEADDR.`
        : `${timeWait} connections on :${port} are in TIME_WAIT: owned by no process, they expire on their own and don't block a server that sets SO_REUSEADDR.`,
    );
  }
  const holders = new Set(holding.flatMap((s) => s.pids));
  const others = [...new Set(onPort.filter((s) => !holdsPort(s)).flatMap((s) => s.pids))].filter((p) => !holders.has(p));
  if (others.length > 0) {
    // Usually outgoing connections that drew :port from the ephemeral range: not what the user means
    // to stop (a browser, a database client), so they are named but left alone.
    notes.push(`${ownersLabel(others, (p) => processName(view, p))} also ${others.length === 1 ? 'has a connection' : 'have connections'} using :${port} without listening on it; left alone.`);
  }
  return [...holders].sort((a, b) => a - b);
}

function toHeldPort(s: PortSocket): HeldPort {
  return { protocol: s.protocol, address: s.localAddress, port: s.localPort, v6Only: s.family === 6 ? s.v6Only : null };
}

function toBindSpec(h: HeldPort): BindSpec {
  const spec: BindSpec = { protocol: h.protocol, address: h.address, port: h.port };
  if (h.address === '::') spec.ipv6Only = h.v6Only === true;
  return spec;
}

function portChecks(port: number, protocol: Protocol | undefined, view: PortView | undefined): BindSpec[] {
  const held = (view?.sockets ?? []).filter((s) => s.localPort === port && holdsPort(s) && (protocol === undefined || s.protocol === protocol));
  if (held.length > 0) return dedupe(held.map((s) => toBindSpec(toHeldPort(s))));
  // Nothing held it at planning time: check what a typical server would bind.
  const specs: BindSpec[] = [];
  if (protocol !== 'udp') specs.push({ protocol: 'tcp', address: null, port });
  if (protocol !== 'tcp') specs.push({ protocol: 'udp', address: '0.0.0.0', port });
  return specs;
}

function dedupe(specs: BindSpec[]): BindSpec[] {
  const seen = new Map<string, BindSpec>();
  for (const s of specs) seen.set(`${s.protocol}|${s.address}|${s.port}|${s.ipv6Only ?? ''}`, s);
  return [...seen.values()];
}

/**
 * Parents before children, keeping the original order otherwise. Stopping a supervisor first
 * means it can't restart the children we stop next; the tree was captured before any signal, so
 * the orphans are still on our list after their parent dies.
 */
export function parentsFirst(candidates: KillCandidate[]): KillCandidate[] {
  const byPid = new Map(candidates.map((c) => [c.pid, c]));
  const depth = (c: KillCandidate): number => {
    let d = 0;
    const seen = new Set<number>([c.pid]);
    for (let p = c.ppid; p !== null && byPid.has(p) && !seen.has(p); p = byPid.get(p)!.ppid) {
      seen.add(p);
      d++;
    }
    return d;
  };
  return candidates
    .map((c, i) => ({ c, i, d: depth(c) }))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .map((x) => x.c);
}

/** The plan in one line, refusals included: for a caller that shows nothing else. */
function summarize(target: KillTarget, candidates: KillCandidate[], refusals: Refusal[]): string {
  if (candidates.length === 0) {
    const what = targetLabel(target);
    return refusals.length > 0 ? `Nothing will be stopped for ${what}: ${refusals[0]!.message}` : `Nothing to stop: no process holds ${what}.`;
  }
  const refused = refusals.length > 0 ? ` ${refusals.length} refused: ${refusals.map((r) => r.message).join(' ')}` : '';
  return `${stopLine(target, candidates)}${refused}`;
}

/** The plan's first line for a caller that lists the refusals itself (the CLI). */
export function planHeadline(plan: Pick<KillPlan, 'target' | 'candidates' | 'refusals' | 'summary'>): string {
  if (plan.candidates.length > 0) return stopLine(plan.target, plan.candidates);
  return plan.refusals.length > 0 ? `Nothing will be stopped for ${targetLabel(plan.target)}.` : plan.summary;
}

function stopLine(target: KillTarget, candidates: KillCandidate[]): string {
  const list = candidates.map((c) => `${c.name} (pid ${c.pid}${c.role === 'descendant' ? ', child' : ''})`).join(', ');
  return `Will stop ${list}${'port' in target ? ` to free ${targetLabel(target)}` : ''}.`;
}

function targetLabel(target: KillTarget): string {
  if (!('port' in target)) return `pid ${target.pid}`;
  return target.protocol ? `:${target.port} (${protocolLabel(target.protocol)})` : `:${target.port}`;
}
