// Messages between MonitorHost (the parent thread) and monitor-worker (the worker thread).
// Structured clone carries them, so a Snapshot's Map of processes arrives as a Map.
import type { MonitorEvent } from '../monitor.js';
import type { Snapshot, Socket } from '../model.js';
import type { ElevationState, ShowAllOwnersResult } from '../contract.js';

/**
 * Where the elevated collector is and how to run it (see main/core/elevate). Crosses into the
 * worker by structured clone, so it holds data only: no elevator function.
 */
export interface ElevationRequest {
  cliPath: string;
  nodePath: string;
  intervalMs?: number;
  checkTrust?: boolean;
  tmpRoot?: string;
  /**
   * Tests only: run the collector as ourselves, `nodePath ...nodeArgs cliPath args`, in place of
   * the OS's elevation wrapper (which would prompt).
   */
  unelevated?: { nodeArgs: string[] };
}

/** The outcome of a setElevation, or a change the worker reports on its own (the collector ended). */
export interface ElevationOutcome extends ShowAllOwnersResult {
  state: ElevationState;
}

/** What the worker is started with (its workerData). */
export interface WorkerConfig {
  intervalMs?: number;
  maxRetryMs?: number;
  watchedPorts?: number[];
  /** Sockets per message when a snapshot or a large delta is sent in parts. */
  chunkSize?: number;
}

export type HostMessage =
  | { type: 'start' }
  | { type: 'stop' }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'setInterval'; ms: number }
  | { type: 'pollNow'; id: number }
  | { type: 'setWatchedPorts'; ports: number[] }
  /** Start (with `request`) or stop the elevated collector; answered by an 'elevation' with `id`. */
  | { type: 'setElevation'; id: number; enabled: boolean; request?: ElevationRequest }
  /** One port's sockets, collected now (kill plans, `why`): answered by a 'lookup' with `id`. */
  | { type: 'lookup'; id: number; port: number }
  /** The host has taken in a `sockets` part: the worker may send the next one. */
  | { type: 'ack' }
  /** Throws inside the worker, as a bug would: for tests of the host's restart path. */
  | { type: 'crash'; message: string };

/** Which socket list of the event that follows a part belongs to. */
export type SocketList = 'sockets' | 'added' | 'changed';

export type WorkerMessage =
  | { type: 'ready' }
  /**
   * A monitor event. When `parts` is set, its socket lists were sent ahead in `sockets` messages
   * (and are empty here): the host concatenates them back. Deserialising 20,000 sockets at once
   * holds the host's event loop for ~100 ms. A part is sent only once the host has acknowledged
   * the previous one: a port delivers every queued message in one go, so parts sent back to back
   * would be taken in as one block anyway.
   */
  | { type: 'event'; event: MonitorEvent; parts?: boolean }
  | { type: 'sockets'; list: SocketList; sockets: Socket[] }
  /** The pollNow request `id` has published its events. */
  | { type: 'polled'; id: number }
  /** The answer to lookup `id`: that port's snapshot, or why there is none. */
  | { type: 'lookup'; id: number; snapshot?: Snapshot; error?: string }
  /** Elevation changed: the answer to setElevation `id`, or (no id) the collector ended on its own. */
  | { type: 'elevation'; id?: number; outcome: ElevationOutcome };

export const DEFAULT_CHUNK_SIZE = 1000;
