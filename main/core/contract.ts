// The one contract shared by the Electron main process, the preload bridge, the renderer and
// browser mode's WebSocket server. Channel names, argument schemas (zod, parsed on the trusted
// side) and the shapes of what flows back. Pure: no Node, no Electron, no DOM.
import { z } from 'zod';
import type { SnapshotDelta } from './diff.js';
import type { CollectionIssue, CollectorName, Conflict, ProcessInfo, Snapshot, Socket } from './model.js';

// ---------------------------------------------------------------------------------------------
// What the engine publishes (main -> renderer)

/** A snapshot as it crosses a process or network boundary: arrays, not Maps. */
export interface WireSnapshot {
  takenAt: number;
  collector: CollectorName;
  sockets: Socket[];
  processes: ProcessInfo[];
  conflicts: Conflict[];
  issues: CollectionIssue;
  elevated: boolean;
}

export interface InterfaceTraffic {
  name: string;
  /** Bytes per second, averaged since the previous sample. null until two samples exist. */
  rxPerSec: number | null;
  txPerSec: number | null;
  addresses: string[];
  internal: boolean;
}

export interface MonitorStatus {
  paused: boolean;
  intervalMs: number;
  /** Polling is suspended because nothing is visible and nothing is watched. */
  idle: boolean;
  /**
   * "Show all owners": whether collection runs elevated (docs/security-elevation.md). Absent where
   * the transport cannot elevate (treated as 'off').
   */
  elevated?: ElevationState;
  /** Why elevation is 'failed' or was turned off on its own (the collector ended), for the UI. */
  elevationMessage?: string | null;
}

export type ElevationState = 'off' | 'starting' | 'on' | 'failed';

/** What showAllOwners answers: a sentence for the UI, and what to do by hand when it failed. */
export interface ShowAllOwnersResult {
  ok: boolean;
  message: string;
  advice: string | null;
}

export type ServerEvent =
  | { type: 'snapshot'; seq: number; snapshot: WireSnapshot }
  | { type: 'delta'; seq: number; delta: SnapshotDelta }
  | { type: 'error'; message: string; at: number; retryInMs: number; lastGoodAt: number | null }
  | { type: 'status'; status: MonitorStatus }
  | { type: 'traffic'; at: number; interfaces: InterfaceTraffic[] }
  | { type: 'settings'; settings: Settings };

export function toWireSnapshot(s: Snapshot): WireSnapshot {
  return { ...s, processes: [...s.processes.values()] };
}

// ---------------------------------------------------------------------------------------------
// Settings

const port = z.number().int().min(1).max(65535);

export const SettingsSchema = z.strictObject({
  intervalMs: z.number().int().min(250).max(60_000),
  watchedPorts: z.array(port).max(64),
  filter: z.string().max(500),
  listeningOnly: z.boolean(),
  groupByProcess: z.boolean(),
  startAtLogin: z.boolean(),
  checkForUpdates: z.boolean(),
});
export type Settings = z.infer<typeof SettingsSchema>;

export { DEFAULT_SETTINGS, KILL_GRACE_MS } from './contract-defaults.js';

// ---------------------------------------------------------------------------------------------
// Verbs (renderer -> main). Each has an argument schema; main parses before acting.

export const KillTargetSchema = z.union([z.strictObject({ port }), z.strictObject({ pid: z.number().int().min(1).max(2 ** 31) })]);

export const KillRequestSchema = z.strictObject({
  target: KillTargetSchema,
  tree: z.boolean(),
  force: z.boolean(),
  /**
   * The processes the user confirmed, by pid and start time: main refuses to signal anything else
   * (a pid reused since the dialog, a new holder of the port).
   */
  confirmed: z.array(z.strictObject({ pid: z.number().int().min(1), startTime: z.number() })).min(1).max(256),
});
export type KillRequest = z.infer<typeof KillRequestSchema>;

export const ExternalUrlSchema = z.string().max(2048);

export const RequestSchemas = {
  /** The renderer is listening: send it the full snapshot, then deltas. */
  ready: z.tuple([]),
  pause: z.tuple([]),
  resume: z.tuple([]),
  /** Plan a kill: who would be signalled, who is refused, for the confirmation. */
  planKill: z.tuple([z.strictObject({ target: KillTargetSchema, tree: z.boolean() })]),
  kill: z.tuple([KillRequestSchema]),
  /** Only http(s) to loopback addresses are opened (see docs/SECURITY.md). */
  openExternal: z.tuple([ExternalUrlSchema]),
  copyText: z.tuple([z.string().max(100_000)]),
  getSettings: z.tuple([]),
  setSettings: z.tuple([SettingsSchema.partial()]),
  diagnose: z.tuple([port]),
  /** Tray popup: bring the main window forward, optionally selecting a port. */
  showMainWindow: z.tuple([z.strictObject({ port: port.optional() })]),
  /** true: collect with administrator rights (the OS asks the user); false: stop doing so. */
  showAllOwners: z.tuple([z.boolean()]),
} as const;

export type Verb = keyof typeof RequestSchemas;
export const VERBS = Object.keys(RequestSchemas) as Verb[];
export type VerbArgs<V extends Verb> = z.infer<(typeof RequestSchemas)[V]>;

export interface PlannedProcess {
  pid: number;
  name: string;
  startTime: number;
  role: 'target' | 'descendant';
  ports: string[];
}

export interface KillPlanView {
  /** What will be stopped, in one line; the refusals are listed apart, not repeated here. */
  summary: string;
  candidates: PlannedProcess[];
  refusals: string[];
  /** Who would start a target again after it exits, and the command that stops it for good. */
  restarts: Array<{ text: string; command: string }>;
  notes: string[];
}

export interface KillResultView {
  ok: boolean;
  summary: string;
  advice: string | null;
  portFree: boolean | null;
  stillRunning: number[];
  /** The user cancelled the native confirmation (Electron only). */
  declined?: boolean;
}

export interface DiagnosisView {
  port: number;
  bindable: boolean;
  /** The verdict with its main reason: one line for a caller that shows nothing else. */
  verdict: string;
  /** The verdict alone ("No: a TCP server can't bind :3000 now."), for a caller that lists the findings. */
  headline: string;
  findings: Array<{ severity: 'blocker' | 'warning' | 'info'; message: string }>;
}

export interface VerbResults {
  ready: void;
  pause: void;
  resume: void;
  planKill: KillPlanView;
  kill: KillResultView;
  openExternal: boolean;
  copyText: void;
  getSettings: Settings;
  setSettings: Settings;
  diagnose: DiagnosisView;
  showMainWindow: void;
  showAllOwners: ShowAllOwnersResult;
}

/** Parse a verb's arguments; throws a ContractError naming the verb and the first problem. */
export function parseRequest<V extends Verb>(verb: V, args: unknown): VerbArgs<V> {
  const schema = RequestSchemas[verb];
  if (!schema) throw new ContractError(`unknown verb "${String(verb)}"`);
  const result = schema.safeParse(args);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    throw new ContractError(`${verb}: invalid arguments${where}: ${issue?.message ?? 'rejected'}`);
  }
  return result.data as VerbArgs<V>;
}

export function isVerb(name: unknown): name is Verb {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(RequestSchemas, name);
}

export class ContractError extends Error {
  override name = 'ContractError';
}

// ---------------------------------------------------------------------------------------------
// Electron IPC channel names and the browser-mode WebSocket frames.

export const IPC = {
  /** ipcRenderer.invoke(IPC.invoke, verb, args) */
  invoke: 'porthole:invoke',
  /** webContents.send(IPC.event, ServerEvent) */
  event: 'porthole:event',
} as const;

export const WsClientFrameSchema = z.strictObject({
  id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  verb: z.string().max(64),
  args: z.array(z.unknown()).max(8),
});
export type WsClientFrame = z.infer<typeof WsClientFrameSchema>;

/**
 * The answer to a frame that names no request to answer (not JSON, not an object, no usable id):
 * nothing ran, and no call waits for it, so a page may ignore it. It says why, for whoever wrote
 * the client. Frames with a usable id get an error reply instead.
 */
export const WsRejectedFrameSchema = z.strictObject({
  kind: z.literal('rejected'),
  error: z.string().max(500),
});
export type WsRejectedFrame = z.infer<typeof WsRejectedFrameSchema>;

export type WsServerFrame =
  | { kind: 'event'; event: ServerEvent }
  | { kind: 'reply'; id: number; ok: true; result: unknown }
  | { kind: 'reply'; id: number; ok: false; error: string }
  | WsRejectedFrame;

/** Largest WebSocket frame the server accepts from a page: verbs are tiny. */
export const WS_MAX_CLIENT_FRAME_BYTES = 64 * 1024;

// ---------------------------------------------------------------------------------------------
// The renderer's view of whichever transport it has (Electron bridge or WebSocket).

export interface PortholeApi {
  /** Where the renderer runs: decides e.g. whether kill confirmation is native (Electron) or in-page. */
  readonly transport: 'electron' | 'websocket';
  /** Subscribe to server events; returns an unsubscribe function. */
  onEvent(listener: (event: ServerEvent) => void): () => void;
  call<V extends Verb>(verb: V, ...args: VerbArgs<V>): Promise<VerbResults[V]>;
}
