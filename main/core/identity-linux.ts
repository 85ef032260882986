// Process identity from procfs: one small file read per process, no child process.
import { readdir, readFile } from 'node:fs/promises';
import type { IdentityBackend, ProcessIdentity, ProcessLink } from './identity-types.js';
import { liveThreadDir, parseProcStat, PF_KTHREAD, ticksToEpochMs, type ProcStat } from './procfs.js';

async function readStat(pid: number): Promise<ProcStat | null> {
  try {
    return parseProcStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null; // ENOENT: gone. ESRCH/EACCES: gone or hidden; either way we cannot vouch for it.
  }
}

async function toEpochMs(startTicks: number): Promise<number> {
  return ticksToEpochMs(startTicks);
}

/** The Tgid line of /proc/PID/status: the process a thread id belongs to. */
export function parseTgid(status: string): number | null {
  const m = /^Tgid:\s*(\d+)\s*$/m.exec(status);
  return m ? Number(m[1]) : null;
}

async function read(pid: number): Promise<ProcessIdentity | null> {
  const stat = await readStat(pid);
  if (!stat || stat.pid !== pid) return null;
  // A zombie whose threads have all exited has closed its sockets; only its parent's wait() is pending.
  if ((stat.state === 'Z' || stat.state === 'X') && liveThreadDir(pid) === undefined) return null;
  // /proc/TID answers for any thread too, and kill(TID) would hit its whole process: a thread id
  // is not a process id.
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  if (parseTgid(status) !== pid) return null;
  return { pid, ppid: stat.ppid, startTime: await toEpochMs(stat.startTicks), name: stat.comm, kernelThread: (stat.flags & PF_KTHREAD) !== 0 };
}

// /proc/PID/task/*/children would be cheaper, but it needs CONFIG_PROC_CHILDREN, which many kernels
// (this one included) lack; a scan of /proc/*/stat costs a few ms for hundreds of processes.
async function list(): Promise<ProcessLink[]> {
  const names = await readdir('/proc');
  const stats = await Promise.all(names.filter((n) => /^\d+$/.test(n)).map((n) => readStat(Number(n))));
  const out: ProcessLink[] = [];
  for (const s of stats) {
    if (!s || ((s.state === 'Z' || s.state === 'X') && liveThreadDir(s.pid) === undefined)) continue;
    out.push({ pid: s.pid, ppid: s.ppid, startTime: await toEpochMs(s.startTicks) });
  }
  return out;
}

export const linuxIdentity: IdentityBackend = { read, list };
