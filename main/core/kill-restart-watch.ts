// After the targets exit, a supervisor that restarts on exit (runsv, pm2, a systemd unit with
// Restart=) brings the server back within a second or so. Checking the port at once would call it
// free a moment before it is taken again, so when the plan found such a supervisor, the port is
// watched for a while first.
import { sleep } from './abortable-sleep.js';
import type { KillDeps, KillPlan, KillStep } from './kill-types.js';
import { holdsPort } from './port-view.js';

/** runsv waits 1 s before restarting a service that died young; then the server has to start. */
export const RESTART_WATCH_MS = 2000;
const POLL_MS = 100;

export async function watchForRestart(
  plan: KillPlan,
  exited: ReadonlySet<number>,
  deps: Pick<KillDeps, 'sockets' | 'now'>,
  options: { watchMs?: number; signal?: AbortSignal } = {},
): Promise<Extract<KillStep, { kind: 'restart-watch' }> | null> {
  const watching = plan.supervision.filter((s) => (s.restarts === 'exit' || s.restarts === 'policy') && s.pids.some((p) => exited.has(p)));
  const ports = [...new Set(plan.checks.map((c) => c.port))];
  if (watching.length === 0 || ports.length === 0) return null;
  const planned = new Set(plan.candidates.map((c) => c.pid));
  const by = watching.map((s) => s.by).join(', ');
  const watchMs = options.watchMs ?? RESTART_WATCH_MS;
  const started = deps.now();
  const step = (pid: number | null) => ({ kind: 'restart-watch' as const, at: deps.now(), by, waitedMs: deps.now() - started, pid });
  while (deps.now() - started < watchMs && !options.signal?.aborted) {
    await sleep(POLL_MS, options.signal);
    for (const port of ports) {
      let sockets;
      try {
        sockets = (await deps.sockets({ port })).sockets;
      } catch {
        continue; // the verification that follows reports a failing lookup
      }
      const newcomer = sockets.find((s) => s.localPort === port && holdsPort(s) && s.pids.some((p) => !planned.has(p)));
      if (newcomer) return step(newcomer.pids.find((p) => !planned.has(p))!);
    }
  }
  return step(null);
}
