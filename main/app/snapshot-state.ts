// The latest picture of the machine, kept from the service's event stream (a full snapshot, then
// deltas), for the tray's tooltip and menu. Main keeps no other copy: the tray is simply one more,
// never-visible client of the service.
import type { ServerEvent, Settings } from '../core/contract.js';
import type { Conflict, ProcessInfo, Socket } from '../core/model.js';

export class SnapshotState {
  readonly sockets = new Map<string, Socket>();
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
        this.sockets.clear();
        this.processes.clear();
        for (const s of event.snapshot.sockets) this.sockets.set(s.key, s);
        for (const p of event.snapshot.processes) this.processes.set(p.pid, p);
        this.conflicts = event.snapshot.conflicts;
        this.ready = true;
        return true;
      }
      case 'delta': {
        if (!this.ready) return false;
        const d = event.delta;
        for (const key of d.removed) this.sockets.delete(key);
        for (const s of d.added) this.sockets.set(s.key, s);
        for (const s of d.changed) this.sockets.set(s.key, s);
        for (const pid of d.processesRemoved) this.processes.delete(pid);
        for (const p of d.processesUpserted) this.processes.set(p.pid, p);
        if (d.conflicts) this.conflicts = d.conflicts;
        return d.added.length + d.changed.length + d.removed.length > 0 || d.conflicts !== undefined || d.processesUpserted.length > 0;
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
