// Process identity on macOS (and other BSDs) through ps. lstart has one-second resolution, which is
// still enough: reusing a pid within the same second needs the whole pid space to wrap.
import { runCommand } from './collect/run.js';
import type { IdentityBackend, ProcessIdentity, ProcessLink } from './identity-types.js';

const ENV = { ...process.env, LC_ALL: 'C', TZ: 'UTC' };
// "  123     1 Ss   Mon Jan  1 12:00:00 2024 /usr/sbin/sshd"
const LINE = /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(\w{3}\s+\w{3}\s+\d{1,2}\s+\d{1,2}:\d{2}:\d{2}\s+\d{4})\s*(.*)$/;

interface PsRow extends ProcessLink {
  state: string;
  name: string;
  /** comm is the executable's path for most processes; null when ps gives a bare name. */
  exe: string | null;
  startTime: number;
}

/** Parse lines of `ps -o pid=,ppid=,stat=,lstart=,comm=` run with TZ=UTC and LC_ALL=C. */
export function parsePsLines(text: string): PsRow[] {
  const rows: PsRow[] = [];
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    const startTime = Date.parse(`${m[4]!.replace(/\s+/g, ' ')} UTC`);
    if (Number.isNaN(startTime)) continue;
    const comm = m[5]!.trim();
    rows.push({ pid: Number(m[1]), ppid: Number(m[2]), state: m[3]!, startTime, name: comm.slice(comm.lastIndexOf('/') + 1) || comm, exe: comm.startsWith('/') ? comm : null });
  }
  return rows;
}

// One -o per column: BSD ps takes everything after '=' as the header, commas included.
const COLUMNS = ['-o', 'pid=', '-o', 'ppid=', '-o', 'stat=', '-o', 'lstart=', '-o', 'comm='];

async function read(pid: number): Promise<ProcessIdentity | null> {
  try {
    // ps exits 1 when the pid does not exist.
    const { stdout } = await runCommand('ps', [...COLUMNS, '-p', String(pid)], { okCodes: [0, 1], env: ENV, timeoutMs: 5000 });
    const row = parsePsLines(stdout).find((r) => r.pid === pid);
    if (!row || row.state.startsWith('Z')) return null;
    return { pid, ppid: row.ppid, startTime: row.startTime, name: row.name, exe: row.exe };
  } catch {
    return null;
  }
}

async function list(): Promise<ProcessLink[]> {
  const { stdout } = await runCommand('ps', ['-A', ...COLUMNS], { env: ENV, timeoutMs: 10_000 });
  return parsePsLines(stdout)
    .filter((r) => !r.state.startsWith('Z'))
    .map(({ pid, ppid, startTime }) => ({ pid, ppid, startTime }));
}

// An ancestor walk (a kill plan walks Porthole's own, then each target's for its supervisor) reads
// one `ps -A` listing instead of starting `ps -p` once per level.
export const darwinIdentity: IdentityBackend = { read, list, walksByList: true };
