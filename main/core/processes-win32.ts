// Owner details on Windows: one PowerShell/CIM call for everything, `tasklist` for the names alone
// when PowerShell is missing or blocked. Windows gives no cheap cwd, and the owning user needs a
// per-process WMI method call, so both stay null.
import type { ProcessInfo } from './model.js';
import { runCommand as defaultRun } from './collect/run.js';
import { encodePowerShell } from './elevate/quote.js';
import { windowsTool } from './windows-tools.js';
import type { ParsedProcess } from './collect/parse/types.js';
import {
  parseCimProcesses,
  parseTasklistCsv,
  splitWindowsCommandLine,
  win32ProcessScript,
  type WinProcessRow,
} from './collect/parse/tasklist.js';

export interface DescribeOptions {
  signal?: AbortSignal;
  /** Partial failures are appended here instead of thrown. */
  warnings?: string[];
  run?: typeof defaultRun;
}

/** Above this many pids a WQL filter gets long; listing every process is cheaper than that. */
const MAX_FILTERED_PIDS = 200;

export async function describeProcesses(
  pids: number[],
  _hints: Map<number, ParsedProcess>,
  options: DescribeOptions = {},
): Promise<Map<number, ProcessInfo>> {
  const { signal, warnings, run = defaultRun } = options;
  const result = new Map<number, ProcessInfo>();
  // netstat's pid 0 is a placeholder for "no owner", never a process to describe.
  const wanted = [...new Set(pids.filter((p) => Number.isInteger(p) && p > 0))].sort((a, b) => a - b);
  if (wanted.length === 0) return result;

  let rows: Map<number, WinProcessRow> | null = null;
  try {
    rows = await listWin32Processes(wanted.length <= MAX_FILTERED_PIDS ? wanted : null, options);
  } catch (error) {
    warnings?.push(`PowerShell could not list processes (${errorText(error)}); falling back to tasklist, names only.`);
  }

  if (rows === null) {
    try {
      const { stdout } = await run(windowsTool('tasklist'), ['/fo', 'csv', '/nh'], { signal, timeoutMs: 15_000 });
      rows = new Map();
      for (const [pid, row] of parseTasklistCsv(stdout).rows) {
        rows.set(pid, { pid, ppid: null, name: row.name, exe: null, command: null, startTime: null });
      }
    } catch (error) {
      warnings?.push(`tasklist failed too: ${errorText(error)}`);
      return result;
    }
  }

  for (const pid of wanted) {
    const row = rows.get(pid);
    if (!row) continue;
    result.set(pid, {
      pid,
      name: row.name,
      exe: row.exe,
      command: row.command,
      argv: row.command === null ? null : splitWindowsCommandLine(row.command),
      cwd: null,
      user: null,
      uid: null,
      startTime: row.startTime,
      ppid: row.ppid,
    });
  }
  return result;
}

/** Win32_Process rows through one PowerShell start: these pids, or every process (null). Throws when PowerShell fails. */
export async function listWin32Processes(pids: readonly number[] | null, options: DescribeOptions = {}): Promise<Map<number, WinProcessRow>> {
  const { signal, warnings, run = defaultRun } = options;
  const { stdout } = await runPowerShell(win32ProcessScript(pids), { signal, timeoutMs: 20_000, run });
  const parsed = parseCimProcesses(stdout);
  if (parsed.skipped > 0) warnings?.push(`PowerShell: skipped ${parsed.skipped} unreadable item(s), e.g. ${JSON.stringify(parsed.samples[0])}`);
  return parsed.rows;
}

/** A script run as -EncodedCommand: no quoting of its own text can go wrong on the way. */
export function runPowerShell(script: string, options: { signal?: AbortSignal; timeoutMs: number; run?: typeof defaultRun }): ReturnType<typeof defaultRun> {
  const run = options.run ?? defaultRun;
  return run(windowsTool('powershell'), ['-NoProfile', '-NonInteractive', '-EncodedCommand', encodePowerShell(script)], { signal: options.signal, timeoutMs: options.timeoutMs });
}

function errorText(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}
