// Picks the best collector for this OS, and falls back to systeminformation when it cannot run.
import type { Collector, CollectOptions, RawCollection } from './types.js';
import { LinuxCollector } from './linux.js';
import type { Run } from './run.js';

export interface CollectorChoice {
  /**
   * For a monitor that polls for as long as the app runs: on Linux, `ss` is then started by a
   * small shell (SpawnServer) instead of by forking this whole process every poll.
   */
  longLived?: boolean;
}

export function createCollector(platform: NodeJS.Platform = process.platform, choice: CollectorChoice = {}): Collector {
  if (platform === 'linux') return withFallback(new LinuxCollector('/proc', choice.longLived ? spawnServerRun() : undefined));
  if (platform === 'darwin') return lazy('darwin-lsof', async () => new (await import('./darwin.js')).DarwinCollector());
  if (platform === 'win32') return lazy('win32-netstat', async () => new (await import('./win32.js')).Win32Collector());
  return lazy('systeminformation', async () => new (await import('./fallback.js')).FallbackCollector());
}

/** A SpawnServer's run, loaded on first use: one-shot commands never pay for its module (and node:crypto). */
function spawnServerRun(): Run {
  let server: Promise<Run> | undefined;
  return async (command, args, options) => {
    server ??= import('./spawn-server.js').then((m) => new m.SpawnServer().run);
    return (await server)(command, args, options);
  };
}

/** Load OS-specific collectors on first use so the CLI's start-up only pays for its own OS. */
function lazy(name: Collector['name'], load: () => Promise<Collector>): Collector {
  let loaded: Promise<Collector> | undefined;
  return withFallback({
    name,
    async collect(options?: CollectOptions): Promise<RawCollection> {
      loaded ??= load();
      return (await loaded).collect(options);
    },
  });
}

/**
 * When the native collector cannot run at all (its tool is missing or broken), systeminformation
 * still gives a partial picture; the warning says what is missing. Once the fallback is in use we
 * keep trying the native collector first, so a fixed PATH recovers on the next poll.
 */
function withFallback(primary: Collector): Collector {
  let fallback: Collector | undefined;
  return {
    get name() {
      return primary.name;
    },
    async collect(options?: CollectOptions): Promise<RawCollection> {
      try {
        return await primary.collect(options);
      } catch (primaryError) {
        try {
          const active = (fallback ??= new (await import('./fallback.js')).FallbackCollector());
          const result = await active.collect(options);
          result.warnings.unshift(`${(primaryError as Error).message}; showing systeminformation's partial view instead.`);
          return result;
        } catch {
          throw primaryError;
        }
      }
    },
  };
}
