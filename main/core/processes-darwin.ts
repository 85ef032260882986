// Owner details on macOS: two ps calls (one per column that may hold spaces) and lsof for the
// working directory, run side by side. lsof's COMMAND is the kernel's 16-byte cut, so the name
// always comes from the executable path ps reports as `comm`.
import type { ProcessInfo } from './model.js';
import { runCommand as defaultRun } from './collect/run.js';
import type { ParsedProcess } from './collect/parse/types.js';
import { parseLsofCwd, parsePsArgs, parsePsDarwin, programName } from './collect/parse/ps-darwin.js';

export interface DescribeOptions {
  signal?: AbortSignal;
  /** Partial failures (a tool missing, unreadable lines) are appended here instead of thrown. */
  warnings?: string[];
  run?: typeof defaultRun;
}

export async function describeProcesses(
  pids: number[],
  hints: Map<number, ParsedProcess>,
  options: DescribeOptions = {},
): Promise<Map<number, ProcessInfo>> {
  const { signal, warnings, run = defaultRun } = options;
  const result = new Map<number, ProcessInfo>();
  const wanted = [...new Set(pids.filter((p) => Number.isInteger(p) && p > 0))].sort((a, b) => a - b);
  if (wanted.length === 0) return result;
  const list = wanted.join(',');
  // ps and lsof exit 1 when some of the pids have gone away meanwhile; the rest is still good.
  const opts = { signal, okCodes: [0, 1], timeoutMs: 10_000 };

  const [info, args, cwd] = await Promise.allSettled([
    run('ps', ['-ww', '-o', 'pid=,ppid=,uid=,user=,lstart=,comm=', '-p', list], opts),
    run('ps', ['-ww', '-o', 'pid=,args=', '-p', list], opts),
    run('lsof', ['-a', '-nP', '-w', '-d', 'cwd', '-p', list, '-Fpfn'], opts),
  ]);
  if (info.status === 'rejected') {
    warnings?.push(`Could not read process details: ${errorText(info.reason)}`);
    return result;
  }
  const rows = parsePsDarwin(info.value.stdout);
  const argRows = args.status === 'fulfilled' ? parsePsArgs(args.value.stdout).rows : new Map<number, string>();
  const cwdRows = cwd.status === 'fulfilled' ? parseLsofCwd(cwd.value.stdout).rows : new Map<number, string>();
  if (args.status === 'rejected') warnings?.push(`Could not read command lines: ${errorText(args.reason)}`);
  if (cwd.status === 'rejected') warnings?.push(`Could not read working directories: ${errorText(cwd.reason)}`);
  if (rows.skipped > 0) warnings?.push(`ps: skipped ${rows.skipped} unreadable line(s), e.g. ${JSON.stringify(rows.samples[0])}`);

  for (const pid of wanted) {
    const row = rows.rows.get(pid);
    // A pid ps no longer knows has exited; lsof's 16-byte COMMAND is not a name worth showing.
    if (!row) continue;
    const hint = hints.get(pid);
    result.set(pid, {
      pid,
      name: programName(row.comm),
      exe: row.comm.startsWith('/') ? row.comm : null,
      command: argRows.get(pid) ?? null,
      // ps joins argv with spaces; splitting it again would guess wrong on paths with spaces.
      argv: null,
      cwd: cwdRows.get(pid) ?? null,
      user: row.user || hint?.user || null,
      uid: row.uid,
      startTime: row.startTime,
      ppid: row.ppid,
    });
  }
  return result;
}

function errorText(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}
