// Deliver "please stop" or "stop now" to one pid, the way each OS spells it. Callers have already
// checked the identity; this layer only refuses numbers that can never be a single ordinary process.
import { runCommand } from './collect/run.js';

export type KillSignal = 'SIGTERM' | 'SIGKILL';

export type SignalResult =
  /** `how` is the command a human would type for the same effect, for the report. */
  | { ok: true; how: string }
  /** ESRCH: no such process (it exited: fine). EPERM: not ours to signal. */
  | { ok: false; how: string; code: 'ESRCH' | 'EPERM' | 'EINVAL' | 'FAILED'; message: string };

export type SignalSender = (pid: number, signal: KillSignal) => Promise<SignalResult>;

export function signalSender(platform: NodeJS.Platform = process.platform): SignalSender {
  return platform === 'win32' ? taskkill : posixKill;
}

// pid 0 and negative pids address process groups and -1 means "everything we may signal": the
// last line of defence against a bug upstream turning one kill into many.
export function refuseNumber(pid: number, how: string): SignalResult | null {
  if (Number.isSafeInteger(pid) && pid > 1) return null;
  return { ok: false, how, code: 'EINVAL', message: `refusing to signal pid ${String(pid)}` };
}

async function posixKill(pid: number, signal: KillSignal): Promise<SignalResult> {
  const how = `kill -${signal.slice(3)} ${pid}`;
  const refused = refuseNumber(pid, how);
  if (refused) return refused;
  try {
    process.kill(pid, signal);
    return { ok: true, how };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return { ok: false, how, code, message: 'no such process: it has already exited' };
    if (code === 'EPERM') return { ok: false, how, code, message: "permission denied: the process belongs to another user; run with sudo" };
    return { ok: false, how, code: 'FAILED', message: (err as Error).message };
  }
}

// Node's process.kill on Windows always terminates outright, so the graceful step goes through
// taskkill without /F, which asks the process to close (console programs often can't be asked).
async function taskkill(pid: number, signal: KillSignal): Promise<SignalResult> {
  const args = ['/PID', String(pid), ...(signal === 'SIGKILL' ? ['/F'] : [])];
  const how = `taskkill ${args.join(' ')}`;
  const refused = refuseNumber(pid, how);
  if (refused) return refused;
  try {
    await runCommand('taskkill', args, { timeoutMs: 10_000 });
    return { ok: true, how };
  } catch (err) {
    const text = `${(err as { stderr?: string }).stderr ?? ''} ${(err as Error).message}`;
    // taskkill exits 128 for "process not found".
    if ((err as { code?: unknown }).code === 128 || /not found/i.test(text)) return { ok: false, how, code: 'ESRCH', message: 'no such process: it has already exited' };
    if (/access is denied/i.test(text)) return { ok: false, how, code: 'EPERM', message: 'access denied: run from an elevated (administrator) prompt' };
    return { ok: false, how, code: 'FAILED', message: (err as Error).message };
  }
}
