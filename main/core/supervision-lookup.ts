// Gathers what supervision.ts needs about a process from the OS: its ancestors' names and command
// lines; on Linux its cgroup and the few environment variables supervisors leave behind; on macOS
// the launchd jobs of the caller's domain.
import type { IdentityBackend } from './identity-types.js';
import { ancestorsOf } from './identity.js';
import { readCgroup, readEnvironKeys } from './procfs.js';
import { createProcessDescriber } from './processes.js';
import { runCommand } from './collect/run.js';
import { findSupervision, SUPERVISOR_ENV_KEYS, type ProcessFacts, type Supervision } from './supervision.js';
import { parseLaunchctlList, type LaunchdJob } from './supervision-launchd.js';

/** Deep enough for watcher -> npm -> sh -> node; supervisors sit close to what they run. */
const MAX_ANCESTORS = 12;

export type SupervisionReader = (pid: number) => Promise<Supervision | null>;

export function supervisionReader(platform: NodeJS.Platform, backend: IdentityBackend): SupervisionReader {
  // Windows: describing a process tree means a PowerShell start (~1 s) per kill plan, and none of
  // the supervisors recognised here run there in the same shape. Not checked.
  if (platform === 'win32') return async () => null;
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
      launchdJobs: platform === 'darwin' ? await launchdJobs() : [],
    });
  };
}

/** The caller's launchd jobs; none when launchctl fails (the plan is advice either way). */
async function launchdJobs(): Promise<LaunchdJob[]> {
  try {
    return parseLaunchctlList((await runCommand('launchctl', ['list'], { timeoutMs: 5000 })).stdout);
  } catch {
    return [];
  }
}
