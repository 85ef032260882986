// Safe kill: stop exactly the processes in a plan, gracefully first, and prove the port is free.
//
// Semantics (what the CLI flags mean):
// - default:  SIGTERM (Windows: `taskkill /PID n`), then wait up to graceMs for the process to exit.
//             If it is still alive, it is reported as still running, with advice to retry with --force.
// - force:    the same, then SIGKILL (Windows: `taskkill /PID n /F`) for whatever is still alive, and
//             wait up to killWaitMs. SIGTERM still comes first so a server can close cleanly; pass
//             graceMs: 0 to escalate at once.
// - tree:     decided at planning time (planKill's `tree`), so the user confirms the whole list.
//             Order is parents first: a supervisor (pm2, nodemon, a cluster primary, gunicorn's
//             master) stopped first can't respawn the children we stop next. The tree is captured
//             before any signal, and re-scanned once right before signalling, so children that
//             appeared since the plan are included; orphans stay on the list after their parent dies.
//
// Safety: pid 0/1/negatives, Porthole itself and its ancestors are refused, at planning and again
// at execution. Right before EVERY signal the pid's start time is re-read and compared with the
// plan's: a reused pid is refused, never signalled. (A few microseconds remain between that read
// and kill(2); closing them needs pidfd_send_signal, which Node does not expose.)
//
// Expected outcomes (refusals, processes already gone, EPERM, survivors) are reported, never thrown.
import { sleep } from './abortable-sleep.js';
import { KILL_GRACE_MS } from './contract-defaults.js';
import { withDefaults } from './kill-deps.js';
import { criticalRefusal } from './kill-critical.js';
import { guardRefusal } from './kill-guard.js';
import { parentsFirst } from './kill-plan.js';
import type { KillSignal } from './kill-signal.js';
import type { KillCandidate, KillDeps, KillOutcome, KillPlan, KillReport, KillResult, KillStep, RefusalReason } from './kill-types.js';
import { watchForRestart } from './kill-restart-watch.js';
import { verifyPorts } from './kill-verify.js';

export { planHeadline, planKill, type PlanOptions } from './kill-plan.js';
export type * from './kill-types.js';
export type { KillSignal } from './kill-signal.js';

export interface ExecuteOptions {
  /** Escalate to SIGKILL after the grace period. */
  force?: boolean;
  /** How long to wait after SIGTERM. Default 3000 ms. */
  graceMs?: number;
  /** How long to wait after SIGKILL before calling it stuck. Default 2000 ms. */
  killWaitMs?: number;
  /** How long to watch the ports for a supervisor's restart (see kill-restart-watch.ts). */
  restartWatchMs?: number;
  /** Cancels waiting and any further signals; the report says what was done so far. */
  signal?: AbortSignal;
  /** How the report's reader asks for a forced stop: "--force" on the command line (the default), the app's "Force kill" button. */
  forceWord?: string;
  deps?: Partial<KillDeps>;
}

export async function executeKill(plan: KillPlan, options: ExecuteOptions = {}): Promise<KillReport> {
  const deps = withDefaults(options.deps);
  const force = options.force ?? false;
  const graceMs = options.graceMs ?? KILL_GRACE_MS;
  const killWaitMs = options.killWaitMs ?? 2000;
  const abort = options.signal;
  const startedAt = deps.now();
  const steps: KillStep[] = [];
  const results = new Map<number, KillResult>();
  const alive = new Map<number, KillCandidate>();
  /** Alive, but the graceful request could not be made: waiting the grace period for them is pointless. */
  const unasked = new Set<number>();
  // Read only when there is something to signal: on Windows it starts a PowerShell, and a plan with
  // nothing to stop is still run through here to check its ports.
  let ancestors: Promise<Set<number>> | undefined;
  const ancestorsOfSelf = () => (ancestors ??= deps.ancestorsOf(deps.selfPid).then((pids) => new Set(pids)));

  const settle = (c: KillCandidate, outcome: KillOutcome, signal: KillSignal | null, message: string, reason?: RefusalReason) => {
    alive.delete(c.pid);
    results.set(c.pid, { pid: c.pid, name: c.name, role: c.role, outcome, signal, message, ...(reason ? { reason } : {}) });
  };
  const signalSteps = (pid: number) => steps.filter((s): s is Extract<KillStep, { kind: 'signal' }> => s.kind === 'signal' && s.pid === pid);
  /** What was sent, in words: SIGTERM, or on Windows Ctrl+C, taskkill or taskkill /F. */
  const sentAs = (pid: number, signal: KillSignal): string => {
    const how = signalSteps(pid).findLast((s) => s.signal === signal && s.delivered)?.how;
    return how === undefined ? signal : stopWords(how, signal);
  };
  const exited = (c: KillCandidate, after: KillSignal) => {
    steps.push({ kind: 'exited', at: deps.now(), pid: c.pid, after });
    settle(c, 'exited', after, `${c.name} (pid ${c.pid}) exited after ${sentAs(c.pid, after)}.`);
  };

  const candidates = plan.tree && !abort?.aborted ? await withNewChildren(plan, deps, steps) : [...plan.candidates];

  // Identity re-read immediately before the signal: the one check that makes signalling safe.
  const signalOne = async (c: KillCandidate, signal: KillSignal): Promise<void> => {
    const refusal = guardRefusal(c.pid, deps.selfPid, await ancestorsOfSelf(), (pid) => (pid === c.pid ? c.name : undefined));
    if (refusal) {
      steps.push({ kind: 'skipped', at: deps.now(), pid: c.pid, reason: refusal.reason, message: refusal.message });
      return settle(c, 'refused', null, refusal.message, refusal.reason);
    }
    const id = await deps.readIdentity(c.pid);
    // A plan may come from elsewhere (IPC, a test), and --tree finds children as it runs.
    const critical = id && id.startTime === c.startTime ? criticalRefusal(deps.platform, c.pid, id) : null;
    if (critical) {
      steps.push({ kind: 'skipped', at: deps.now(), pid: c.pid, reason: critical.reason, message: critical.message });
      return settle(c, 'refused', null, critical.message, critical.reason);
    }
    if (!id || id.startTime !== c.startTime) {
      if (signal === 'SIGKILL') return exited(c, 'SIGTERM'); // the one we asked to stop did stop
      if (!id) {
        const message = `${c.name} (pid ${c.pid}) had already exited.`;
        steps.push({ kind: 'skipped', at: deps.now(), pid: c.pid, reason: 'already-gone', message });
        return settle(c, 'already-gone', null, message);
      }
      const message = `pid ${c.pid} now belongs to a different process (${id.name}, started ${new Date(id.startTime).toISOString()}): ${c.name} exited and its pid was reused, so it was not signalled.`;
      steps.push({ kind: 'skipped', at: deps.now(), pid: c.pid, reason: 'identity-changed', message });
      return settle(c, 'refused', null, message, 'identity-changed');
    }
    const sent = await deps.sendSignal(c.pid, signal, { startTime: c.startTime });
    steps.push({ kind: 'signal', at: deps.now(), pid: c.pid, signal, how: sent.how, delivered: sent.ok, ...(sent.ok ? {} : { error: sent.message }) });
    // A graceful request that could not be made (on Windows: a console program whose console is
    // shared, so no Ctrl+C, and with no window for taskkill to close) leaves the process running:
    // still a candidate for --force rather than a dead end.
    if (sent.ok || (signal === 'SIGTERM' && sent.code === 'FAILED')) {
      alive.set(c.pid, c);
      if (!sent.ok) unasked.add(c.pid);
    } else if (sent.code === 'ESRCH') {
      if (signal === 'SIGKILL') exited(c, 'SIGTERM');
      else settle(c, 'already-gone', null, `${c.name} (pid ${c.pid}) had already exited.`);
    } else settle(c, 'failed', signal, `${signal} to ${c.name} (pid ${c.pid}) failed: ${sent.message}`);
  };

  const waitForExit = async (deadline: number, after: KillSignal): Promise<void> => {
    for (let pause = 20; alive.size > 0; pause = Math.min(pause * 2, 100)) {
      for (const c of [...alive.values()]) {
        const id = await deps.readIdentity(c.pid);
        if (!id || id.startTime !== c.startTime) exited(c, after);
      }
      if (alive.size === 0 || deps.now() >= deadline || abort?.aborted) return;
      if (after === 'SIGTERM' && [...alive.keys()].every((pid) => unasked.has(pid))) return;
      await sleep(Math.min(pause, Math.max(1, deadline - deps.now())), abort);
    }
  };

  for (const c of candidates) {
    if (abort?.aborted) break;
    await signalOne(c, 'SIGTERM');
  }
  await waitForExit(deps.now() + graceMs, 'SIGTERM');
  if (force && alive.size > 0 && !abort?.aborted) {
    for (const c of [...alive.values()]) {
      if (abort?.aborted) break;
      alive.delete(c.pid); // re-added by signalOne if the signal goes out
      await signalOne(c, 'SIGKILL');
    }
    await waitForExit(deps.now() + killWaitMs, 'SIGKILL');
  }

  for (const c of alive.values()) {
    const sig = signalSteps(c.pid).findLast((s) => s.delivered)?.signal ?? null;
    const undelivered = signalSteps(c.pid).findLast((s) => !s.delivered)?.error;
    const after =
      sig === null
        ? `: the request to stop it could not be made${undelivered ? ` (${undelivered})` : ''}`
        : abort?.aborted
          ? `: cancelled while waiting for it to exit after ${sentAs(c.pid, sig)}`
          : ` ${sig === 'SIGKILL' ? killWaitMs : graceMs} ms after ${sentAs(c.pid, sig)}`;
    settle(c, 'still-running', sig, `${c.name} (pid ${c.pid}) is still running${after}.`);
  }
  for (const c of candidates) {
    if (!results.has(c.pid)) settle(c, 'not-attempted', null, `${c.name} (pid ${c.pid}) was not signalled: cancelled.`);
  }

  const ordered = candidates.map((c) => results.get(c.pid)!);
  const stillRunning = ordered.filter((r) => r.outcome === 'still-running').map((r) => r.pid);
  if (!abort?.aborted) {
    const exitedPids = new Set(ordered.filter((r) => r.outcome === 'exited' || r.outcome === 'already-gone').map((r) => r.pid));
    const watched = await watchForRestart(plan, exitedPids, deps, { watchMs: options.restartWatchMs, signal: abort });
    if (watched) steps.push(watched);
  }
  const aborted = abort?.aborted === true;
  const ports = aborted
    ? []
    : await verifyPorts(plan.checks, deps, { stillRunning: new Set(stillRunning), planned: new Set(candidates.map((c) => c.pid)) });
  const portFree = ports.length === 0 ? null : ports.every((p) => p.free);
  const gone = ordered.every((r) => r.outcome === 'exited' || r.outcome === 'already-gone');
  return {
    plan,
    force,
    graceMs,
    startedAt,
    finishedAt: deps.now(),
    steps,
    results: ordered,
    stillRunning,
    ports,
    portFree,
    aborted,
    // A server that let go of the port and is still shutting down (draining connections) did
    // what was asked: the port is free, proven by a bind.
    ok: !aborted && plan.refusals.length === 0 && portFree !== false && (gone || portFree === true),
    summary: summarize(ordered, ports, aborted),
    advice: advise(ordered, plan, force, ports, deps.platform, portFree, options.forceWord ?? '--force'),
  };
}

/** The plan's candidates plus any child born since planning, still parents first. */
async function withNewChildren(plan: KillPlan, deps: KillDeps, steps: KillStep[]): Promise<KillCandidate[]> {
  const all = [...plan.candidates];
  const known = new Set(all.map((c) => c.pid));
  for (const root of plan.candidates.filter((c) => c.role === 'target')) {
    const id = await deps.readIdentity(root.pid);
    if (!id || id.startTime !== root.startTime) continue; // gone or reused: its "children" aren't ours
    let pids: number[];
    try {
      pids = await deps.descendantsOf(root.pid);
    } catch {
      continue; // the planned tree still stands
    }
    for (const pid of pids) {
      if (known.has(pid)) continue;
      known.add(pid);
      const child = await deps.readIdentity(pid);
      if (!child) continue;
      steps.push({ kind: 'found-child', at: deps.now(), pid, parent: child.ppid });
      all.push({ pid, name: child.name, startTime: child.startTime, ppid: child.ppid, role: 'descendant', foundAt: 'execute', ports: [] });
    }
  }
  return parentsFirst(all);
}

/**
 * A signal step's `how` as the report says it: POSIX's `kill -TERM 1234` is SIGTERM; Windows'
 * steps are named by what they were (Ctrl+C, `taskkill`, `taskkill /F`).
 */
export function stopWords(how: string, signal: KillSignal): string {
  if (how.startsWith('Ctrl+C')) return 'Ctrl+C';
  if (how.startsWith('taskkill')) return how.includes('/F') ? 'taskkill /F' : 'taskkill';
  return signal;
}

function summarize(results: KillResult[], ports: KillReport['ports'], aborted: boolean): string {
  const parts: string[] = [];
  if (aborted) parts.push('Cancelled.');
  if (results.length === 0) parts.push('No process was signalled.');
  for (const r of results) parts.push(r.message);
  for (const p of ports) parts.push(p.message);
  return parts.join(' ');
}

function advise(
  results: KillResult[],
  plan: KillPlan,
  force: boolean,
  ports: KillReport['ports'],
  platform: NodeJS.Platform,
  portFree: boolean | null,
  forceWord: string,
): string | null {
  const has = (o: KillOutcome) => results.some((r) => r.outcome === o);
  const restarted = ports.find((p) => p.restartedBy)?.restartedBy;
  if (restarted) return `Started again by ${restarted.by}. To stop it for good: ${restarted.stop}`;
  if (has('still-running') && !force && portFree === true) {
    return `It has let go of the port and is still shutting down (finishing open connections, say); ${forceWord} would cut that short.`;
  }
  // Windows' forced stop is taskkill /F (TerminateProcess), and its graceful one may not be SIGTERM at all.
  const windows = platform === 'win32';
  if (has('still-running') && !force) {
    return `Retry with ${forceWord} to ${windows ? 'end it with taskkill /F, which it cannot refuse' : 'follow SIGTERM with SIGKILL, which cannot be ignored'}.`;
  }
  if (has('still-running')) {
    return windows
      ? 'It survived taskkill /F, so it is stuck inside the kernel (waiting on a driver or on I/O); it will exit when that completes.'
      : 'It survived SIGKILL, so it is stuck inside the kernel (uninterruptible I/O, state D); it will exit when that I/O completes.';
  }
  if (results.some((r) => r.outcome === 'failed' && /permission|denied/i.test(r.message))) return 'Run Porthole with sudo (or as administrator) to stop another user\'s process.';
  if (plan.refusals.some((r) => r.reason === 'hidden-owner')) return 'Run Porthole with sudo (or as administrator) to see, and stop, the hidden owner.';
  if (results.some((r) => r.reason === 'identity-changed')) return 'Plan again: the process table changed since this plan was made.';
  return null;
}
