// Windows process details. The preferred source is one PowerShell call over CIM (Win32_Process),
// which gives the full image name, path, command line, parent and start time in one go; the
// fallback is `tasklist /fo csv /nh`, which gives only the image name (in full: only tasklist's
// table format cuts names at 25 characters).
import { z } from 'zod';
import { emptyRows, skipRow, type RowsOutcome } from './rows.js';

export interface WinProcessRow {
  pid: number;
  ppid: number | null;
  /** The image name as Windows reports it: "node.exe", "System", "System Idle Process". */
  name: string;
  exe: string | null;
  command: string | null;
  /** Epoch ms. */
  startTime: number | null;
}

/**
 * The PowerShell script for win32ProcessScript's caller to run with -EncodedCommand (no quoting
 * to get wrong). StartMs is computed in PowerShell because ConvertTo-Json spells a DateTime
 * differently in 5.1 ("\/Date(1700000000000)\/") and 7 (ISO 8601); parseCimDate reads both
 * anyway, in case CreationDate itself is ever sent. Output is forced to UTF-8 so non-ASCII paths
 * survive the OEM console code page. `pids` null means every process.
 */
export function win32ProcessScript(pids: readonly number[] | null): string {
  const filter =
    pids && pids.length > 0 ? ` -Filter '${pids.map((p) => `ProcessId=${Math.trunc(p)}`).join(' OR ')}'` : '';
  return [
    "$ErrorActionPreference = 'Stop'",
    "$ProgressPreference = 'SilentlyContinue'",
    '[Console]::OutputEncoding = [System.Text.Encoding]::UTF8',
    `$rows = @(Get-CimInstance -ClassName Win32_Process${filter} | ForEach-Object {`,
    '  [pscustomobject]@{',
    '    ProcessId = $_.ProcessId',
    '    ParentProcessId = $_.ParentProcessId',
    '    Name = $_.Name',
    '    ExecutablePath = $_.ExecutablePath',
    '    CommandLine = $_.CommandLine',
    '    StartMs = $(if ($_.CreationDate) { ([DateTimeOffset]$_.CreationDate).ToUnixTimeMilliseconds() } else { $null })',
    '  }',
    '})',
    'ConvertTo-Json -InputObject $rows -Compress',
  ].join('\n');
}

const CimRow = z.object({
  ProcessId: z.number().int().min(0),
  ParentProcessId: z.number().int().min(0).nullish(),
  Name: z.string().nullish(),
  ExecutablePath: z.string().nullish(),
  CommandLine: z.string().nullish(),
  StartMs: z.number().nullish(),
  CreationDate: z.unknown().optional(),
});

export function parseCimProcesses(text: string): RowsOutcome<WinProcessRow> {
  const out = emptyRows<WinProcessRow>();
  const body = text.replace(/^\uFEFF/, '').trim();
  if (body === '') return out;
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    skipRow(out, body);
    return out;
  }
  // ConvertTo-Json prints a lone object, not a one-element array, when not given -InputObject.
  const items = Array.isArray(data) ? data : [data];
  for (const item of items) {
    const parsed = CimRow.safeParse(item);
    const row = parsed.success ? parsed.data : null;
    const exe = row?.ExecutablePath || null;
    const name = row ? row.Name || (exe ? windowsBasename(exe) : '') : '';
    if (!row || name === '') {
      skipRow(out, safeStringify(item));
      continue;
    }
    out.rows.set(row.ProcessId, {
      pid: row.ProcessId,
      ppid: row.ParentProcessId ?? null,
      name,
      exe,
      command: row.CommandLine || null,
      startTime: row.StartMs ?? parseCimDate(row.CreationDate),
    });
  }
  return out;
}

/**
 * A CIM DateTime as PowerShell serialises it: "/Date(1700000000000)/" (5.1), ISO 8601 (7), the
 * {value, DisplayHint} wrapper 5.1 adds to some dates, or the raw DMTF string WMI uses
 * ("20231114221320.123456+060", offset in minutes).
 */
export function parseCimDate(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value && typeof value === 'object' && 'value' in value) return parseCimDate((value as { value: unknown }).value);
  if (typeof value !== 'string') return null;
  const ms = /^\/Date\((-?\d{1,15})(?:[+-]\d{4})?\)\/$/.exec(value);
  if (ms) return Number(ms[1]);
  const dmtf = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})\.(\d{6})([+-]\d{3})$/.exec(value);
  if (dmtf) {
    const [, y, mo, d, h, mi, s, us, off] = dmtf.map(Number) as number[];
    const utc = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!, Math.floor(us! / 1000));
    return Number.isFinite(utc) ? utc - off! * 60_000 : null;
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value)) return null;
  const t = Date.parse(value);
  return Number.isFinite(t) ? t : null;
}

/** `tasklist /fo csv /nh`: "Image Name","PID","Session Name","Session#","Mem Usage". */
export function parseTasklistCsv(text: string): RowsOutcome<{ pid: number; name: string }> {
  const out = emptyRows<{ pid: number; name: string }>();
  for (const line of text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/)) {
    if (line.trim() === '') continue;
    const fields = csvFields(line);
    const name = fields?.[0];
    const pid = fields?.[1];
    if (!name || pid === undefined || !/^\d{1,10}$/.test(pid)) {
      skipRow(out, line);
      continue;
    }
    out.rows.set(Number(pid), { pid: Number(pid), name });
  }
  return out;
}

/** One CSV line of quoted fields ("a","b ""c""",…); undefined when it is not that shape. */
function csvFields(line: string): string[] | undefined {
  const fields: string[] = [];
  const re = /\s*"((?:[^"]|"")*)"\s*(,|$)/y;
  let at = 0;
  while (at < line.length) {
    re.lastIndex = at;
    const m = re.exec(line);
    if (!m) return undefined;
    fields.push((m[1] as string).replace(/""/g, '"'));
    at = re.lastIndex;
    if (m[2] === '') break;
  }
  return at >= line.length ? fields : undefined;
}

/**
 * Split a Windows command line into argv the way the Microsoft C runtime does: whitespace
 * separates, double quotes group, 2n backslashes before a quote are n backslashes, 2n+1 are n and
 * a literal quote, "" inside quotes is a literal quote. Backslashes elsewhere are literal.
 */
export function splitWindowsCommandLine(cmd: string): string[] {
  const args: string[] = [];
  let i = 0;
  while (i < cmd.length) {
    while (cmd[i] === ' ' || cmd[i] === '\t') i++;
    if (i >= cmd.length) break;
    let arg = '';
    let quoted = false;
    while (i < cmd.length) {
      const c = cmd[i] as string;
      if (!quoted && (c === ' ' || c === '\t')) break;
      if (c === '\\') {
        let n = 0;
        while (cmd[i] === '\\') {
          n++;
          i++;
        }
        if (cmd[i] === '"') {
          arg += '\\'.repeat(n >> 1);
          if (n % 2 === 1) {
            arg += '"';
            i++;
          }
        } else {
          arg += '\\'.repeat(n);
        }
        continue;
      }
      if (c === '"') {
        if (quoted && cmd[i + 1] === '"') {
          arg += '"';
          i += 2;
          continue;
        }
        quoted = !quoted;
        i++;
        continue;
      }
      arg += c;
      i++;
    }
    args.push(arg);
  }
  return args;
}

export function windowsBasename(path: string): string {
  const cut = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'));
  return cut < 0 ? path : path.slice(cut + 1);
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
