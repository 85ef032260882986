// Deliver "please stop" or "stop now" to one pid, the way each OS spells it. Callers have already
// checked the identity; this layer only refuses numbers that can never be a single ordinary process.
import { runCommand } from './collect/run.js';
import type { ConsoleVerdict } from './kill-console.js';
import { ctrlCThroughConsole } from './kill-console-win32.js';
import { windowsTool } from './windows-tools.js';

export type KillSignal = 'SIGTERM' | 'SIGKILL';

export type SignalResult =
  /** `how` is the command a human would type for the same effect, for the report. */
  | { ok: true; how: string }
  /** ESRCH: no such process (it exited: fine). EPERM: not ours to signal. */
  | { ok: false; how: string; code: 'ESRCH' | 'EPERM' | 'EINVAL' | 'FAILED'; message: string };

/** `expected`: what the plan knows of the process, for a sender that checks again as it signals. */
export type SignalSender = (pid: number, signal: KillSignal, expected?: { startTime: number }) => Promise<SignalResult>;

export function signalSender(platform: NodeJS.Platform = process.platform): SignalSender {
  return platform === 'win32' ? windowsSignal : posixKill;
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

// Windows has no SIGTERM, and Node's process.kill there always terminates outright. The graceful
// step is a Ctrl+C for a console program, when nothing unrelated shares its console (see
// kill-console.ts); otherwise `taskkill` without /F, which asks a windowed program to close.
async function windowsSignal(pid: number, signal: KillSignal, expected?: { startTime: number }): Promise<SignalResult> {
  if (signal === 'SIGKILL') return taskkill(pid, signal);
  const refused = refuseNumber(pid, 'Ctrl+C');
  if (refused) return refused;
  const ctrlC = await ctrlCThroughConsole({ pid, ...(expected ? { startTime: expected.startTime } : {}) });
  if (ctrlC.kind === 'sent') return { ok: true, how: ctrlC.how };
  if (ctrlC.kind === 'declined') {
    const refused = declinedCtrlC(ctrlC.verdict);
    if (refused) return refused;
  }
  // No console (a windowed program, a service), or the helper could not run at all: ask its
  // windows to close, as before there was a Ctrl+C.
  const closed = await taskkill(pid, signal);
  if (closed.ok || ctrlC.kind !== 'failed' || closed.code !== 'FAILED') return closed;
  return { ...closed, message: `${closed.message} (Ctrl+C could not be tried either: ${ctrlC.message})` };
}

/** AttachConsole's errors: the target has no console; no such process; not ours to attach to. */
const ERROR_INVALID_HANDLE = 6;
const ERROR_INVALID_PARAMETER = 87;
const ERROR_ACCESS_DENIED = 5;

/**
 * What a declined Ctrl+C means for the graceful step; null when taskkill may ask instead (the
 * target has no console). Anything else stops here, because taskkill's request to close could
 * close a console window that unrelated programs share; --force (taskkill /F) stays possible.
 */
export function declinedCtrlC(verdict: Extract<ConsoleVerdict, { send: false }>): SignalResult | null {
  const how = 'Ctrl+C';
  const { reason, message } = verdict;
  if (reason === 'gone' || reason === 'reused') return { ok: false, how, code: 'ESRCH', message };
  if (reason !== 'no-console') return { ok: false, how, code: 'FAILED', message };
  const error = verdict.attachError ?? null;
  if (error === ERROR_INVALID_HANDLE) return null;
  if (error === ERROR_INVALID_PARAMETER) return { ok: false, how, code: 'ESRCH', message: 'no such process: it has already exited' };
  if (error === ERROR_ACCESS_DENIED) return { ok: false, how, code: 'EPERM', message: 'access denied: run from an elevated (administrator) prompt' };
  return { ok: false, how, code: 'FAILED', message: `its console could not be reached (Windows error ${error ?? 'unknown'}), so no Ctrl+C was sent` };
}

async function taskkill(pid: number, signal: KillSignal): Promise<SignalResult> {
  const args = ['/PID', String(pid), ...(signal === 'SIGKILL' ? ['/F'] : [])];
  const how = `taskkill ${args.join(' ')}`;
  const refused = refuseNumber(pid, how);
  if (refused) return refused;
  try {
    await runCommand(windowsTool('taskkill'), args, { timeoutMs: 10_000 });
    return { ok: true, how };
  } catch (err) {
    const text = `${(err as { stderr?: string }).stderr ?? ''} ${(err as Error).message}`;
    // taskkill exits 128 for "process not found".
    if ((err as { code?: unknown }).code === 128 || /not found/i.test(text)) return { ok: false, how, code: 'ESRCH', message: 'no such process: it has already exited' };
    if (/access is denied/i.test(text)) return { ok: false, how, code: 'EPERM', message: 'access denied: run from an elevated (administrator) prompt' };
    return { ok: false, how, code: 'FAILED', message: (err as Error).message };
  }
}
