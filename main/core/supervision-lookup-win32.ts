// supervision-lookup.ts for Windows: one PowerShell start lists every process with its parent and
// command line (a walk of reads would start one per level); a second asks Win32_Service, only when
// the chain reaches a process the service manager started.
import type { Run } from './collect/run.js';
import { splitWindowsCommandLine, type WinProcessRow } from './collect/parse/tasklist.js';
import { ancestorsInTable } from './identity.js';
import { listWin32Processes, runPowerShell } from './processes-win32.js';
import { findSupervision, type ProcessFacts, type Supervision } from './supervision.js';
import { LISTING_REUSE_MS, type SupervisionReader } from './supervision-lookup.js';
import { reusedFor } from './reuse-briefly.js';
import { parseServiceLines, windowsServiceJobs, windowsServicesScript, type WindowsService } from './supervision-windows.js';

export function windowsSupervisionReader(run: Run, maxAncestors: number): SupervisionReader {
  const processes = reusedFor(LISTING_REUSE_MS, () => listWin32Processes(null, { run }));
  return (pid) => windowsSupervision(pid, processes, run, maxAncestors);
}

async function windowsSupervision(pid: number, processes: () => Promise<Map<number, WinProcessRow>>, run: Run, maxAncestors: number): Promise<Supervision | null> {
  const rows = await processes();
  const table = [...rows.values()].map((r) => ({ pid: r.pid, ppid: r.ppid ?? 0, startTime: r.startTime }));
  // System (4) and Idle (0) sit above everything: never the supervisor to name.
  const chain = ancestorsInTable(pid, table).filter((p) => p > 4).slice(0, maxAncestors);
  const facts = (p: number): ProcessFacts | undefined => {
    const row = rows.get(p);
    if (!row) return undefined;
    const argv = row.command === null ? null : splitWindowsCommandLine(row.command);
    // Matchers look for "...\nodemon.js server.js": the quotes Windows keeps around paths are noise.
    return { pid: p, name: row.name, exe: row.exe, command: argv ? argv.join(' ') : null, argv, cwd: null };
  };
  const self = facts(pid);
  if (!self) return null;
  const serviceHosted = [pid, ...chain].filter((p) => rows.get(rows.get(p)?.ppid ?? -1)?.name.toLowerCase() === 'services.exe');
  let services: WindowsService[] = [];
  if (serviceHosted.length > 0) {
    services = parseServiceLines((await runPowerShell(windowsServicesScript(serviceHosted), { timeoutMs: 20_000, run })).stdout);
  }
  return findSupervision({
    process: self,
    ancestors: chain.map(facts).filter((p): p is ProcessFacts => p !== undefined),
    cgroup: null,
    env: new Map(),
    elevated: false,
    serviceJobs: windowsServiceJobs(services),
  });
}
