// The polling loop for Electron main: MonitorHost runs collection, parsing and diffing in a worker
// thread, so a poll at 20,000 sockets never stalls the UI thread. Kill plans look sockets up
// through the same worker (its engine's caches are warm; an engine here would read every
// process's fds on this thread first). "Show all owners" runs its elevated collector from that
// worker too (main/core/elevate): main only says where the collector's files are.
import { collectorPaths, type AppFacts } from '../core/elevate/index.js';
import type { SocketLookup } from '../core/port-view.js';
import { MonitorHost } from '../core/worker/monitor-host.js';
import type { ElevationControl, MonitorLike } from '../service/service.js';
import type { SettingsStore } from '../service/settings-store.js';

export interface MonitorParts {
  monitor: MonitorLike;
  sockets: SocketLookup;
  elevation: ElevationControl;
  close(): Promise<void>;
}

export function createMonitor(settings: SettingsStore, facts: AppFacts): MonitorParts {
  const { intervalMs, watchedPorts } = settings.get();
  // The bundle emits monitor-worker.js beside index.js in out/main (electron.vite.config.ts).
  const monitor = new MonitorHost({ intervalMs, watchedPorts });
  return {
    monitor,
    sockets: monitor.lookup,
    elevation: elevationControl(monitor, facts),
    close: () => monitor.close(),
  };
}

export function elevationControl(monitor: Pick<MonitorHost, 'setElevation' | 'onElevationChange'>, facts: AppFacts): ElevationControl {
  return {
    set: (enabled) => monitor.setElevation(enabled, enabled ? collectorPaths(facts) : undefined),
    onChange: (listener) => monitor.onElevationChange(listener),
  };
}
