// Gathers what supervision.ts needs about a process from the OS: its ancestors' names and command
// lines; on Linux its cgroup and the few environment variables supervisors leave behind; on macOS
// the launchd jobs of the caller's domain; on Windows the services the chain runs as.
import type { IdentityBackend } from './identity-types.js';
import { runCommand, type Run } from './collect/run.js';
import { splitWindowsCommandLine, type WinProcessRow } from './collect/parse/tasklist.js';
import { ancestorsInTable, ancestorsOf } from './identity.js';
import { readCgroup, readEnvironKeys } from './procfs.js';
import { createProcessDescriber } from './processes.js';
import { listWin32Processes, runPowerShell } from './processes-win32.js';
import { findSupervision, SUPERVISOR_ENV_KEYS, supervisionText, type PlannedSupervision, type ProcessFacts, type Supervision } from './supervision.js';
import { launchdServiceJobs, parseLaunchctlList, type LaunchdJob } from './supervision-launchd.js';
import { parseServiceLines, windowsServiceJobs, windowsServicesScript, type WindowsService } from './supervision-windows.js';

/** Deep enough for watcher -> npm -> sh -> node; supervisors sit close to what they run. */
const MAX_ANCESTORS = 12;

/** How long one Windows process listing answers for (see supervisionReader). */
const LISTING_REUSE_MS = 2000;

export type SupervisionReader = (pid: number) => Promise<Supervision | null>;

/** `run`: how commands start (PowerShell, launchctl); tests of other OSes pass their own. */
export function supervisionReader(platform: NodeJS.Platform, backend: IdentityBackend, run: Run = runCommand): SupervisionReader {
  if (platform === 'win32') {
    // A plan asks once per target, moments apart: one listing (a PowerShell start) serves them all.
    let listing: { at: number; rows: Promise<Map<number, WinProcessRow>> } | undefined;
    const processes = () => {
      if (!listing || Date.now() - listing.at > LISTING_REUSE_MS) {
        const rows = listWin32Processes(null, { run });
        listing = { at: Date.now(), rows };
        rows.catch(() => {
          if (listing?.rows === rows) listing = undefined; // the next plan tries again
        });
      }
      return listing.rows;
    };
    return (pid) => windowsSupervision(pid, processes, run);
  }
  const describer = createProcessDescriber(platform);
  return async (pid) => {
    // pid 1 is init (or a container's entry point): never the supervisor to name.
    const chain = (await ancestorsOf(pid, backend)).filter((p) => p !== 1).slice(0, MAX_ANCESTORS);
    const described = await describer.describe([pid, ...chain], new Map());
    const facts = (p: number): ProcessFacts | undefined => described.get(p);
    const self = facts(pid);
    if (!self) return null;
    const linux = platform === 'linux';
    return findSupervision({
      process: self,
      ancestors: chain.map(facts).filter((p): p is ProcessFacts => p !== undefined),
      cgroup: linux ? readCgroup(pid) : null,
      env: linux ? readEnvironKeys(pid, SUPERVISOR_ENV_KEYS) : new Map(),
      elevated: process.getuid?.() === 0,
      serviceJobs: platform === 'darwin' ? launchdServiceJobs(await launchdJobs(run)) : [],
    });
  };
}

/** The caller's launchd jobs; none when launchctl fails (the plan is advice either way). */
async function launchdJobs(run: Run): Promise<LaunchdJob[]> {
  try {
    return parseLaunchctlList((await run('launchctl', ['list'], { timeoutMs: 5000 })).stdout);
  } catch {
    return [];
  }
}

/**
 * Windows: one PowerShell start lists every process with its parent and command line (a walk of
 * reads would start one per level); a second asks Win32_Service, only when the chain reaches a
 * process the service manager started.
 */
async function windowsSupervision(pid: number, processes: () => Promise<Map<number, WinProcessRow>>, run: Run): Promise<Supervision | null> {
  const rows = await processes();
  const table = [...rows.values()].map((r) => ({ pid: r.pid, ppid: r.ppid ?? 0, startTime: r.startTime }));
  // System (4) and Idle (0) sit above everything: never the supervisor to name.
  const chain = ancestorsInTable(pid, table).filter((p) => p > 4).slice(0, MAX_ANCESTORS);
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

/**
 * Who would start each of `targets` again, grouped so nginx's master and workers under one unit
 * make one sentence. Supervisors in `skip` are left out; a failed lookup is no advice, not an error.
 */
export async function superviseAll(
  targets: readonly { pid: number; name: string }[],
  supervisionOf: SupervisionReader,
  skip: ReadonlySet<number> = new Set(),
): Promise<PlannedSupervision[]> {
  const groups = new Map<string, { found: Supervision; targets: { pid: number; name: string }[] }>();
  for (const target of targets) {
    let found;
    try {
      found = await supervisionOf(target.pid);
    } catch {
      continue;
    }
    if (!found || (found.pid !== null && skip.has(found.pid))) continue;
    const key = `${found.kind}|${found.by}|${found.stop}`;
    const group = groups.get(key) ?? { found, targets: [] };
    group.targets.push(target);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ found, targets: looked }) => ({
    ...found,
    pids: looked.map((t) => t.pid),
    text: supervisionText(found, looked),
  }));
}
