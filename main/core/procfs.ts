// Small readers for Linux's /proc, shared by the collector, process details and kill's identity check.
// Every start time in Porthole goes through ticksToEpochMs, so identities compare equal everywhere.
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ is part of the kernel ABI: 100 on every architecture Porthole runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface ProcStat {
  pid: number;
  /** `comm`: at most 15 characters. */
  comm: string;
  /** One letter: R, S, D, Z, T, ... */
  state: string;
  ppid: number;
  /** Field 22: clock ticks after boot. With the pid, an identity that survives pid reuse. */
  startTicks: number;
  /** Field 9: the kernel's PF_* flags (see PF_KTHREAD). */
  flags: number;
}

/** The flag of a kernel thread in /proc/PID/stat's field 9 (include/linux/sched.h). */
export const PF_KTHREAD = 0x00200000;

/**
 * Parse /proc/PID/stat. The comm field is in parentheses and may itself contain spaces and ')',
 * so the fixed-format fields are read after the LAST ')'. Returns null on anything malformed.
 */
export function parseProcStat(text: string): ProcStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open <= 0 || close < open) return null;
  const pid = toInt(text.slice(0, open).trim());
  // After ')': field 3 (state) is index 0, so field N is index N - 3.
  const rest = text.slice(close + 1).trim().split(/\s+/);
  const state = rest[0];
  const ppid = toInt(rest[1]);
  const flags = toInt(rest[6]);
  const startTicks = toInt(rest[19]);
  if (pid === null || ppid === null || flags === null || startTicks === null || !state || !/^[A-Za-z]$/.test(state)) return null;
  return { pid, comm: text.slice(open + 1, close), state, ppid, startTicks, flags };
}

/** The `btime` line of /proc/stat: boot time in epoch seconds. */
export function parseBootTime(procStat: string): number | null {
  const m = /^btime\s+(\d+)\s*$/m.exec(procStat);
  return m ? Number(m[1]) : null;
}

export function readProcStat(pid: number, procRoot = '/proc'): ProcStat | null {
  try {
    return parseProcStat(readFileSync(`${procRoot}/${pid}/stat`, 'utf8'));
  } catch {
    return null; // gone (ENOENT/ESRCH) or hidden (EACCES): either way we cannot vouch for it
  }
}

/**
 * /proc/PID/task/TID of a thread of `pid` other than its leader that has not exited, if any. A
 * process whose main thread has exited (pthread_exit, or the first thread to go in a group exit)
 * shows a zombie leader with no fds, memory, exe or cwd, while its other threads run on holding
 * them all: such a process has not exited, and a live thread is where to read it.
 */
export function liveThreadDir(pid: number, procRoot = '/proc'): string | undefined {
  let tids: string[];
  try {
    tids = readdirSync(`${procRoot}/${pid}/task`);
  } catch {
    return undefined;
  }
  for (const tid of tids) {
    if (tid === String(pid)) continue;
    const dir = `${procRoot}/${pid}/task/${tid}`;
    let state: string | undefined;
    try {
      state = parseProcStat(readFileSync(`${dir}/stat`, 'utf8'))?.state;
    } catch {
      continue; // exited meanwhile
    }
    if (state && state !== 'Z' && state !== 'X') return dir;
  }
  return undefined;
}

// Read once: the kernel shifts btime slightly when the wall clock is stepped, and a start time
// must compute to the same number on every read or the pid-reuse check would see a new process.
let bootTimeMs: number | undefined;

export function bootTime(procRoot = '/proc'): number {
  if (bootTimeMs === undefined) {
    const btime = parseBootTime(readFileSync(`${procRoot}/stat`, 'utf8'));
    if (btime === null) throw new Error(`${procRoot}/stat has no btime line`);
    bootTimeMs = btime * 1000;
  }
  return bootTimeMs;
}

export function ticksToEpochMs(startTicks: number, procRoot = '/proc'): number {
  return bootTime(procRoot) + Math.round((startTicks * 1000) / CLOCK_TICKS_PER_SECOND);
}

function toInt(text: string | undefined): number | null {
  if (text === undefined || !/^\d{1,20}$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}

/** /proc/PID/cgroup as text, or null when the process is gone or hidden. */
export function readCgroup(pid: number, procRoot = '/proc'): string | null {
  try {
    return readFileSync(`${procRoot}/${pid}/cgroup`, 'utf8');
  } catch {
    return null;
  }
}

/**
 * Only the named variables of /proc/PID/environ: the rest may hold secrets, so it is never kept.
 * Empty when the process is gone or another user's (the kernel allows only its owner and root).
 */
export function readEnvironKeys(pid: number, keys: readonly string[], procRoot = '/proc'): Map<string, string> {
  const found = new Map<string, string>();
  let raw: Buffer;
  try {
    raw = readFileSync(`${procRoot}/${pid}/environ`);
  } catch {
    return found;
  }
  return parseEnviron(raw.toString('utf8'), keys);
}

/** NUL-separated NAME=value pairs, as /proc/PID/environ holds them; unnamed keys are dropped. */
export function parseEnviron(text: string, keys: readonly string[]): Map<string, string> {
  const wanted = new Set(keys);
  const found = new Map<string, string>();
  for (const entry of text.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq <= 0) continue;
    const key = entry.slice(0, eq);
    if (wanted.has(key) && !found.has(key)) found.set(key, entry.slice(eq + 1));
  }
  return found;
}
