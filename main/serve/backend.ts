// The service browser mode runs: the engine polled in a worker thread (so a 20,000-socket poll
// never delays a WebSocket reply), the user's settings, the traffic sampler. No confirmKill: the
// page shows its own confirmation before it calls kill, and kill still refuses anything that is
// not exactly what was confirmed (pid + start time).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Engine } from '../core/engine.js';
import { Monitor } from '../core/monitor.js';
import { MonitorHost, resolveWorkerEntry } from '../core/worker/monitor-host.js';
import { PortholeService } from '../service/service.js';
import type { SettingsStore } from '../service/settings-store.js';
import { createTrafficSampler } from '../service/traffic.js';

export interface Backend {
  service: PortholeService;
  /** Whether polling runs in a worker thread (else in this process's event loop). */
  worker: boolean;
  /** Stop polling and end every session; the process can then exit. */
  dispose(): Promise<void>;
}

export function createBackend(settings: SettingsStore, options: { worker?: boolean } = {}): Backend {
  const { intervalMs, watchedPorts } = settings.get();
  const useWorker = (options.worker ?? true) && workerAvailable();
  const monitor = useWorker
    ? new MonitorHost({ intervalMs, watchedPorts })
    : new Monitor(new Engine({ watchedPorts: () => settings.get().watchedPorts }), { intervalMs });
  // Kill plans ask the worker's engine too: its caches are warm, and the reading is off this thread.
  const sockets = monitor instanceof MonitorHost ? monitor.lookup : undefined;
  const service = new PortholeService({ monitor, settings, traffic: createTrafficSampler(), ...(sockets ? { sockets } : {}) });
  return {
    service,
    worker: useWorker,
    async dispose() {
      service.dispose();
      if (monitor instanceof MonitorHost) await monitor.close();
      else monitor.stop();
    },
  };
}

/** A build without the worker file (an unusual bundle) still works, polling in-process. */
function workerAvailable(): boolean {
  try {
    return existsSync(fileURLToPath(resolveWorkerEntry().url));
  } catch {
    return false;
  }
}
