// What the tray needs of the machine, kept from the service's event stream (a full snapshot, then
// deltas): the listening sockets, their processes, the conflicts. Main keeps no other copy: the
// tray is simply one more, never-visible client of the service. Connections are not kept: at
// 20,000 sockets they would be a second full copy in main's heap, and under churn every delta
// would wake the tray for sockets it never shows.
import type { ServerEvent, Settings } from '../core/contract.js';
import { isListening, type Conflict, type ProcessInfo, type Socket } from '../core/model.js';

export class SnapshotState {
  /** Listening TCP sockets and unconnected UDP ones, by key. */
  readonly listeners = new Map<string, Socket>();
  readonly processes = new Map<number, ProcessInfo>();
  conflicts: Conflict[] = [];
  settings: Settings | undefined;
  paused = false;
  /** False until the first full snapshot: an empty tray menu must not read "nothing listening". */
  ready = false;

  /** Applies one event; true when what the tray shows may have changed. */
  apply(event: ServerEvent): boolean {
    switch (event.type) {
      case 'snapshot': {
        this.listeners.clear();
        this.processes.clear();
        for (const s of event.snapshot.sockets) if (isListening(s)) this.listeners.set(s.key, s);
        for (const p of event.snapshot.processes) this.processes.set(p.pid, p);
        this.conflicts = event.snapshot.conflicts;
        this.ready = true;
        return true;
      }
      case 'delta': {
        if (!this.ready) return false;
        const d = event.delta;
        let changed = d.conflicts !== undefined || d.processesUpserted.length > 0;
        for (const key of d.removed) if (this.listeners.delete(key)) changed = true;
        for (const list of [d.added, d.changed]) {
          for (const s of list) {
            if (isListening(s)) {
              this.listeners.set(s.key, s);
              changed = true;
            } else if (this.listeners.delete(s.key)) {
              changed = true;
            }
          }
        }
        for (const pid of d.processesRemoved) this.processes.delete(pid);
        for (const p of d.processesUpserted) this.processes.set(p.pid, p);
        if (d.conflicts) this.conflicts = d.conflicts;
        return changed;
      }
      case 'settings':
        this.settings = event.settings;
        return true;
      case 'status':
        if (this.paused === event.status.paused) return false;
        this.paused = event.status.paused;
        return true;
      default:
        return false;
    }
  }
}
