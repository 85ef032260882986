// Process identity on Windows through CIM (Win32_Process). CreationDate is converted to epoch ms by
// PowerShell itself, so no locale-dependent date text crosses the boundary.
import { runCommand } from './collect/run.js';
import { windowsTool } from './windows-tools.js';
import type { IdentityBackend, ProcessIdentity, ProcessLink } from './identity-types.js';

/** The PowerShell expression that prints one Win32_Process (`$_`) as a line parseCimLine() reads. */
export const CIM_ROW = "'{0}|{1}|{2}|{3}|{4}' -f $_.ProcessId, $_.ParentProcessId, $(if ($_.CreationDate) { ([DateTimeOffset]$_.CreationDate).ToUnixTimeMilliseconds() } else { '' }), $_.ExecutablePath, $_.Name";

export interface CimRow {
  pid: number;
  ppid: number;
  startTime: number | null;
  /** Empty from CIM for a protected process when not elevated. */
  exe: string | null;
  name: string;
}

/**
 * Parse one "pid|ppid|epochMs|exe|name" line; null for anything else. Windows paths cannot hold
 * '|'; the name comes last so that it is the only field that may.
 */
export function parseCimLine(line: string): CimRow | null {
  const m = /^(\d+)\|(\d+)\|(\d*)\|([^|]*)\|(.*)$/.exec(line.trim());
  if (!m) return null;
  return { pid: Number(m[1]), ppid: Number(m[2]), startTime: m[3] ? Number(m[3]) : null, exe: m[4] || null, name: m[5]! };
}

/** Every line parseCimLine() accepts, in order; the rest are skipped. */
export function parseCimLines(text: string): CimRow[] {
  const rows: CimRow[] = [];
  for (const line of text.split(/\r?\n/)) {
    const row = parseCimLine(line);
    if (row) rows.push(row);
  }
  return rows;
}

function powershell(script: string): Promise<string> {
  return runCommand(windowsTool('powershell'), ['-NoProfile', '-NonInteractive', '-Command', script], { timeoutMs: 15_000 }).then((r) => r.stdout);
}

async function read(pid: number): Promise<ProcessIdentity | null> {
  try {
    const out = await powershell(`Get-CimInstance Win32_Process -Filter 'ProcessId=${pid}' | ForEach-Object { ${CIM_ROW} }`);
    const row = parseCimLines(out).find((r) => r.pid === pid);
    // Without a creation time (System, Idle) there is nothing to check reuse against: treat as unreadable.
    if (!row || row.startTime === null) return null;
    return { pid, ppid: row.ppid, startTime: row.startTime, name: row.name, exe: row.exe };
  } catch {
    return null;
  }
}

async function list(): Promise<ProcessLink[]> {
  const out = await powershell(`Get-CimInstance Win32_Process | ForEach-Object { ${CIM_ROW} }`);
  return parseCimLines(out).map(({ pid, ppid, startTime }) => ({ pid, ppid, startTime }));
}

export const win32Identity: IdentityBackend = { read, list, walksByList: true };
