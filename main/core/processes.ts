// Owner details for whichever OS we run on. Linux reads /proc directly (and caches by process
// identity); macOS and Windows ask `ps` / CIM once per poll for all owners together.
import type { ProcessInfo } from './model.js';
import type { ParsedProcess } from './collect/parse/types.js';
import { LinuxProcessReader } from './processes-linux.js';

export interface ProcessDescriber {
  describe(pids: number[], hints: Map<number, ParsedProcess>): Promise<Map<number, ProcessInfo>>;
}

export function createProcessDescriber(platform: NodeJS.Platform = process.platform): ProcessDescriber {
  if (platform === 'linux') {
    const reader = new LinuxProcessReader();
    return { describe: async (pids) => reader.describe(pids) };
  }
  if (platform === 'darwin') {
    return { describe: async (pids, hints) => (await import('./processes-darwin.js')).describeProcesses(pids, hints) };
  }
  if (platform === 'win32') {
    return { describe: async (pids, hints) => (await import('./processes-win32.js')).describeProcesses(pids, hints) };
  }
  return { describe: async (pids, hints) => fromHints(pids, hints) };
}

/** When we can learn nothing more, the collector's own hints are still better than nothing. */
export function fromHints(pids: number[], hints: Map<number, ParsedProcess>): Map<number, ProcessInfo> {
  const result = new Map<number, ProcessInfo>();
  for (const pid of pids) {
    const hint = hints.get(pid);
    result.set(pid, {
      pid,
      name: hint?.name ?? `pid ${pid}`,
      exe: null,
      command: null,
      argv: null,
      cwd: null,
      user: hint?.user ?? null,
      uid: hint?.uid ?? null,
      startTime: null,
      ppid: null,
    });
  }
  return result;
}
