// Windows: the service control manager (services.exe) runs MySQL80, postgresql-x64-16, MongoDB and
// their kin, and starts them again after a crash when their recovery options say so. Win32_Service
// names the service whose main process a pid is. Pure: supervision-lookup.ts runs the script.
import type { ServiceJob } from './supervision.js';

export interface WindowsService {
  pid: number;
  /** The key `sc` takes: "MySQL80". */
  name: string;
  /** What services.msc shows: "MySQL80", "postgresql-x64-16 - PostgreSQL Server 16". */
  displayName: string;
}

/** The services whose main process is one of `pids`, one "pid|name|display name" line each. */
export function windowsServicesScript(pids: readonly number[]): string {
  const filter = pids.map((p) => `ProcessId=${Math.trunc(p)}`).join(' OR ');
  return [
    "$ErrorActionPreference = 'Stop'",
    "$ProgressPreference = 'SilentlyContinue'",
    '[Console]::OutputEncoding = [System.Text.Encoding]::UTF8',
    `Get-CimInstance -ClassName Win32_Service -Filter '${filter}' | ForEach-Object { '{0}|{1}|{2}' -f $_.ProcessId, $_.Name, $_.DisplayName }`,
  ].join('\n');
}

/** Service names hold no '|' in practice; the display name comes last, where one would be harmless. */
export function parseServiceLines(text: string): WindowsService[] {
  const services: WindowsService[] = [];
  for (const line of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const m = /^(\d+)\|([^|]+)\|(.*)$/.exec(line.trim());
    if (!m || m[1] === '0') continue; // a stopped service has ProcessId 0
    services.push({ pid: Number(m[1]), name: m[2]!, displayName: m[3]! });
  }
  return services;
}

/** One job per pid: services sharing a process (svchost.exe) are refused by kill anyway. */
export function windowsServiceJobs(services: readonly WindowsService[]): ServiceJob[] {
  const jobs = new Map<number, ServiceJob>();
  for (const s of services) {
    if (jobs.has(s.pid)) continue;
    const shown = s.displayName && s.displayName !== s.name ? `${s.name} (${s.displayName})` : s.name;
    const key = /[\s"]/.test(s.name) ? `"${s.name.replace(/"/g, '')}"` : s.name;
    jobs.set(s.pid, { pid: s.pid, by: `the Windows service ${shown}`, stop: `sc stop ${key}` });
  }
  return [...jobs.values()];
}
