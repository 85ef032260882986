// Owner details from /proc: the full name, exe, command line, cwd, user, start time and parent.
import { readFileSync, readlinkSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ProcessInfo } from './model.js';
import { liveThreadDir, readProcStat, ticksToEpochMs } from './procfs.js';
import { userName } from './users.js';

/** `comm` is cut to 15 characters (TASK_COMM_LEN - 1); a name of exactly that length may be cut. */
const COMM_MAX = 15;

interface Cached {
  startTicks: number;
  info: ProcessInfo;
  readAt: number;
}

/**
 * Reads are cached per process identity (pid + start time), and refreshed every few seconds
 * because a process may rename itself (nginx workers, process.title) or change directory.
 */
export class LinuxProcessReader {
  private readonly cache = new Map<number, Cached>();

  constructor(
    private readonly procRoot = '/proc',
    private readonly maxAgeMs = 5_000,
  ) {}

  describe(pids: Iterable<number>, now = Date.now()): Map<number, ProcessInfo> {
    const result = new Map<number, ProcessInfo>();
    const wanted = new Set(pids);
    for (const pid of wanted) {
      const stat = readProcStat(pid, this.procRoot);
      if (!stat) continue; // exited since the sockets were read
      const cached = this.cache.get(pid);
      if (cached && cached.startTicks === stat.startTicks && now - cached.readAt < this.maxAgeMs) {
        result.set(pid, cached.info);
        continue;
      }
      // A zombie leader whose other threads run on (its main thread exited) has no memory, exe
      // or cwd of its own any more: a live thread still has them all.
      const dir = stat.state === 'Z' ? (liveThreadDir(pid, this.procRoot) ?? `${this.procRoot}/${pid}`) : `${this.procRoot}/${pid}`;
      const info = this.read(pid, dir, stat.comm, stat.ppid, stat.startTicks);
      this.cache.set(pid, { startTicks: stat.startTicks, info, readAt: now });
      result.set(pid, info);
    }
    for (const pid of this.cache.keys()) if (!wanted.has(pid)) this.cache.delete(pid);
    return result;
  }

  private read(pid: number, dir: string, comm: string, ppid: number, startTicks: number): ProcessInfo {
    const argv = tryRead(() => splitCmdline(readFileSync(`${dir}/cmdline`, 'utf8')));
    const exe = tryRead(() => stripDeleted(readlinkSync(`${dir}/exe`)));
    const cwd = tryRead(() => readlinkSync(`${dir}/cwd`));
    const uid = tryRead(() => statSync(dir).uid);
    return {
      pid,
      name: fullName(comm, exe, argv),
      exe,
      command: argv && argv.length > 0 ? argv.join(' ') : null,
      argv: argv && argv.length > 0 ? argv : null,
      cwd,
      user: uid === null ? null : userName(uid),
      uid,
      startTime: ticksToEpochMs(startTicks, this.procRoot),
      ppid,
      parentName: this.nameOf(ppid),
    };
  }

  /** A process's full name, from its stat (and exe and argv when the name may be cut); null when gone or unreadable. */
  private nameOf(pid: number): string | null {
    if (pid <= 0) return null;
    const comm = readProcStat(pid, this.procRoot)?.comm;
    if (comm === undefined) return null;
    if (comm.length < COMM_MAX) return comm;
    const dir = `${this.procRoot}/${pid}`;
    return fullName(comm, tryRead(() => stripDeleted(readlinkSync(`${dir}/exe`))), tryRead(() => splitCmdline(readFileSync(`${dir}/cmdline`, 'utf8'))));
  }
}

/**
 * The real program name. `comm` is authoritative when it is shorter than the cut (a process may
 * rename itself); when it may be cut, the first of exe / argv[0] / argv[1] it is a prefix of wins.
 */
export function fullName(comm: string, exe: string | null, argv: string[] | null): string {
  if (comm.length < COMM_MAX) return comm;
  const candidates = [exe, argv?.[0], argv?.[1]].filter((c): c is string => !!c).map((c) => path.basename(c));
  return candidates.find((c) => c.startsWith(comm) && c.length > comm.length) ?? comm;
}

export function splitCmdline(raw: string): string[] {
  const parts = raw.split('\0');
  // Each argument ends with a NUL. A process that rewrote its title (setproctitle in nginx and
  // postgres, process.title in Node) pads the rest of its argument area with NULs: those are not
  // empty arguments. (A real trailing empty argument is lost with them; it is far rarer.)
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

function stripDeleted(link: string): string {
  return link.endsWith(' (deleted)') ? link.slice(0, -' (deleted)'.length) : link;
}

function tryRead<T>(read: () => T): T | null {
  try {
    return read();
  } catch {
    return null; // another user's process (EACCES) or gone (ENOENT): unknown, not fatal
  }
}
