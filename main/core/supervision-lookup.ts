// Gathers what supervision.ts needs about a process from the OS: its ancestors' names and command
// lines; on Linux its cgroup and the few environment variables supervisors leave behind; on macOS
// the launchd jobs of the caller's domain. Windows: supervision-lookup-win32.ts.
import type { IdentityBackend } from './identity-types.js';
import { runCommand, type Run } from './collect/run.js';
import { ancestorsOf, walkAncestors } from './identity.js';
import { readCgroup, readEnvironKeys, readProcStat } from './procfs.js';
import { createProcessDescriber } from './processes.js';
import { findSupervision, SUPERVISOR_ENV_KEYS, supervisionText, type PlannedSupervision, type ProcessFacts, type Supervision } from './supervision.js';
import { reusedFor } from './reuse-briefly.js';
import { launchdServiceJobs, parseLaunchctlList, type LaunchdJob } from './supervision-launchd.js';

/** Deep enough for watcher -> npm -> sh -> node; supervisors sit close to what they run. */
const MAX_ANCESTORS = 12;

/** How long one listing of processes or jobs answers for: a plan asks once per target, moments apart. */
export const LISTING_REUSE_MS = 2000;

export type SupervisionReader = (pid: number) => Promise<Supervision | null>;

/** `run`: how commands start (PowerShell, launchctl); tests of other OSes pass their own. */
export function supervisionReader(platform: NodeJS.Platform, backend: IdentityBackend, run: Run = runCommand): SupervisionReader {
  if (platform === 'win32') {
    // Loaded on first use: the Windows side needs zod and PowerShell, and `porthole PORT` on
    // Linux or macOS should load neither.
    let reader: Promise<SupervisionReader> | undefined;
    return async (pid) => (await (reader ??= import('./supervision-lookup-win32.js').then((m) => m.windowsSupervisionReader(run, MAX_ANCESTORS))))(pid);
  }
  const describer = createProcessDescriber(platform);
  const jobs = reusedFor(LISTING_REUSE_MS, () => launchdJobs(run));
  return async (pid) => {
    // pid 1 is init (or a container's entry point): never the supervisor to name.
    const ancestors = platform === 'linux' ? procAncestors(pid) : await ancestorsOf(pid, backend);
    const chain = ancestors.filter((p) => p !== 1).slice(0, MAX_ANCESTORS);
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
      serviceJobs: platform === 'darwin' ? launchdServiceJobs(await jobs()) : [],
    });
  };
}

/**
 * Linux: the parent chain straight from /proc/PID/stat, read synchronously. A handful of tiny reads,
 * where async reads' thread-pool round trips cost `porthole 3000` 20 ms and more on a busy machine.
 */
function procAncestors(pid: number): number[] {
  return walkAncestors(
    pid,
    (p) => {
      const stat = readProcStat(p);
      return stat ? { ppid: stat.ppid, startTime: stat.startTicks } : undefined;
    },
    MAX_ANCESTORS + 1,
  );
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
