// What a client of Porthole (the Electron window, the tray popup, a browser tab) can ask for, and
// what it is sent, independent of how it is connected. Electron's IPC and browser mode's
// WebSocket are thin transports around a Session: they check who is talking, pass the raw
// arguments here, and the contract's schemas decide what is acceptable.
import type { SnapshotDelta } from '../core/diff.js';
import { diagnosePort, verdictHeadline } from '../core/diagnose.js';
import { executeKill, planHeadline, planKill, type KillPlan } from '../core/kill.js';
import type { Snapshot } from '../core/model.js';
import type { MonitorEvent } from '../core/monitor.js';
import type { SocketLookup } from '../core/port-view.js';
import {
  ContractError,
  isVerb,
  parseRequest,
  toWireSnapshot,
  type DiagnosisView,
  type ElevationState,
  type KillPlanView,
  type KillRequest,
  type KillResultView,
  type MonitorStatus,
  type ServerEvent,
  type ShowAllOwnersResult,
  type Verb,
  type VerbResults,
} from '../core/contract.js';
import { isLoopbackUrl } from './urls.js';
import type { SettingsStore } from './settings-store.js';
import type { TrafficSampler } from './traffic.js';

/** The polling loop, in-process (Monitor) or in a worker (MonitorHost). */
export interface MonitorLike {
  subscribe(listener: (event: MonitorEvent) => void): () => void;
  start(): void;
  pause(): void;
  resume(): void;
  setInterval(ms: number): void;
  pollNow(): Promise<void>;
  setWatchedPorts?(ports: number[]): void;
}

/** "Show all owners" (docs/security-elevation.md): Electron main gives one; browser mode has none. */
export interface ElevationControl {
  /** Start (true) or stop (false) collecting with administrator rights; never rejects. */
  set(enabled: boolean): Promise<ShowAllOwnersResult & { state: ElevationState }>;
  /** Changes nobody asked for: the elevated collector ended on its own. */
  onChange?(listener: (outcome: ShowAllOwnersResult & { state: ElevationState }) => void): () => void;
}

export const BROWSER_MODE_ELEVATION: ShowAllOwnersResult = {
  ok: false,
  message: 'Run "sudo porthole serve" to see every owner in browser mode.',
  advice: 'sudo porthole serve',
};

export interface ServiceDeps {
  monitor: MonitorLike;
  settings: SettingsStore;
  traffic?: TrafficSampler;
  /** Who holds a port, for kill plans: the engine. */
  sockets?: SocketLookup;
  /** Electron: a native dialog. Absent in browser mode, where the page confirms before calling kill. */
  confirmKill?: (plan: KillPlanView) => Promise<boolean>;
  /** Open a vetted URL in the user's browser. */
  openExternal?: (url: string) => Promise<void>;
  copyText?: (text: string) => Promise<void>;
  showMainWindow?: (port?: number) => void;
  trafficIntervalMs?: number;
  elevation?: ElevationControl;
}

export type EventSink = (event: ServerEvent) => void;

/**
 * Whose pause a session's `pause` verb sets.
 *  - 'shared' (Electron): the app's one pause, which the window and the tray menu both set and
 *    either can lift; it outlives the session that set it.
 *  - 'own' (a browser-mode tab): that tab's alone, ended by `resume` or by its connection closing.
 *    Other tabs stay live, and polling stops only while every tab that looks has paused.
 */
export type PauseScope = 'shared' | 'own';

export interface SessionOptions {
  /** Whether someone looks at it (a hidden tray session alone keeps no polling alive). */
  visible?: boolean;
  pauseScope?: PauseScope;
}

export class PortholeService {
  private readonly sessions = new Set<Session>();
  private userPaused = false;
  private idle = false;
  private trafficTimer: NodeJS.Timeout | undefined;
  private elevated: ElevationState = 'off';
  private elevationMessage: string | null = null;
  private readonly unsubscribeElevation: (() => void) | undefined;

  constructor(readonly deps: ServiceDeps) {
    this.unsubscribeElevation = deps.elevation?.onChange?.((outcome) => this.setElevationState(outcome.state, outcome.ok ? null : outcome.message));
    deps.monitor.setInterval(deps.settings.get().intervalMs);
    deps.monitor.setWatchedPorts?.(deps.settings.get().watchedPorts);
    deps.settings.onChange((settings) => {
      deps.monitor.setInterval(settings.intervalMs);
      deps.monitor.setWatchedPorts?.(settings.watchedPorts);
      this.broadcast({ type: 'settings', settings });
      this.updatePolling();
    });
    deps.monitor.start();
    this.updatePolling();
  }

  openSession(send: EventSink, options: SessionOptions = {}): Session {
    const session = new Session(this, send, options.visible ?? true, options.pauseScope ?? 'shared');
    this.sessions.add(session);
    this.updatePolling();
    return session;
  }

  /** @internal */ closeSession(session: Session): void {
    // A closed tab's own pause ends with it: it can never hold the others, or the next tab, paused.
    if (!this.sessions.delete(session)) return;
    this.updatePolling();
  }

  /** The service's status; a session adds its own pause (Session.status). */
  get status(): MonitorStatus {
    return {
      paused: this.userPaused,
      intervalMs: this.deps.settings.get().intervalMs,
      idle: this.idle,
      elevated: this.elevated,
      elevationMessage: this.elevationMessage,
    };
  }

  /** "Show all owners": the elevation dep does the work; every client hears the state change. */
  async showAllOwners(enabled: boolean): Promise<ShowAllOwnersResult> {
    const control = this.deps.elevation;
    if (!control) return { ...BROWSER_MODE_ELEVATION };
    if (enabled) this.setElevationState('starting', null);
    const outcome = await control.set(enabled);
    this.setElevationState(outcome.state, outcome.ok ? null : outcome.message);
    return { ok: outcome.ok, message: outcome.message, advice: outcome.advice };
  }

  private setElevationState(state: ElevationState, message: string | null): void {
    this.elevated = state;
    this.elevationMessage = message;
    this.broadcastStatus();
  }

  /** The shared pause (Electron's window and tray). */
  setUserPaused(paused: boolean): void {
    this.userPaused = paused;
    this.pauseChanged();
  }

  /** @internal */ pauseChanged(): void {
    this.updatePolling();
    this.broadcastStatus();
  }

  /**
   * Poll only when someone looks or a watched port needs guarding: a hidden window with nothing
   * pinned costs no CPU at all.
   */
  /** @internal */ updatePolling(): void {
    const viewers = [...this.sessions].filter((s) => s.visible);
    const watching = this.deps.settings.get().watchedPorts.length > 0;
    this.idle = viewers.length === 0 && !watching;
    // Someone looks at live data: a viewer that has not paused itself (Electron's never do).
    const live = viewers.some((s) => !s.ownPaused);
    const paused = this.userPaused || (viewers.length > 0 && !live);
    if (paused || this.idle) this.deps.monitor.pause();
    else this.deps.monitor.resume();
    this.updateTraffic(live && !this.userPaused);
  }

  private updateTraffic(on: boolean): void {
    const sampler = this.deps.traffic;
    if (!on || !sampler) {
      clearInterval(this.trafficTimer);
      this.trafficTimer = undefined;
      return;
    }
    if (this.trafficTimer) return;
    const tick = () =>
      void sampler.sample().then(
        (interfaces) => this.broadcast({ type: 'traffic', at: Date.now(), interfaces }),
        () => undefined, // traffic is decoration: a failed sample just leaves a gap in the chart
      );
    tick();
    this.trafficTimer = setInterval(tick, this.deps.trafficIntervalMs ?? 1000);
    this.trafficTimer.unref?.();
  }

  private broadcast(event: ServerEvent): void {
    for (const s of this.sessions) s.deliver(event);
  }

  /** Each session hears its own status: a tab's own pause is nobody else's. */
  private broadcastStatus(): void {
    for (const s of this.sessions) s.deliver({ type: 'status', status: s.status });
  }

  dispose(): void {
    clearInterval(this.trafficTimer);
    this.unsubscribeElevation?.();
    for (const s of [...this.sessions]) s.close();
  }

  async planKill(target: KillRequest['target'], tree: boolean): Promise<{ plan: KillPlan; view: KillPlanView }> {
    const plan = await planKill(target, { tree, ...(this.deps.sockets ? { deps: { sockets: this.deps.sockets } } : {}) });
    return { plan, view: planView(plan) };
  }

  async kill(request: KillRequest): Promise<KillResultView> {
    const { plan, view } = await this.planKill(request.target, request.tree);
    const confirmed = new Map(request.confirmed.map((c) => [c.pid, c.startTime]));
    const changed = plan.candidates.filter((c) => confirmed.get(c.pid) !== c.startTime);
    if (plan.candidates.length === 0 || changed.length > 0) {
      const who = changed.map((c) => `${c.name} (pid ${c.pid})`).join(', ');
      return {
        ok: false,
        summary:
          plan.candidates.length === 0
            ? `Nothing was stopped: ${view.refusals[0] ?? 'nothing holds it any more.'}`
            : `Nothing was stopped: ${who} ${changed.length > 1 ? 'were' : 'was'} not in what you confirmed. Review and try again.`,
        advice: null,
        portFree: null,
        stillRunning: [],
      };
    }
    if (this.deps.confirmKill && !(await this.deps.confirmKill(view))) {
      return { ok: false, declined: true, summary: 'Cancelled: nothing was signalled.', advice: null, portFree: null, stillRunning: [] };
    }
    // The app's toast offers a Force kill button, not a flag.
    const report = await executeKill(plan, { force: request.force, forceWord: 'Force kill', ...(this.deps.sockets ? { deps: { sockets: this.deps.sockets } } : {}) });
    void this.deps.monitor.pollNow();
    return { ok: report.ok, summary: report.summary, advice: report.advice, portFree: report.portFree, stillRunning: report.stillRunning };
  }
}

export class Session {
  private unsubscribe: (() => void) | undefined;
  private closed = false;
  private paused = false;

  constructor(
    private readonly service: PortholeService,
    private readonly send: EventSink,
    public visible: boolean,
    private readonly pauseScope: PauseScope,
  ) {}

  /** Paused by its own `pause` (pauseScope 'own' only; the shared pause is the service's). */
  get ownPaused(): boolean {
    return this.paused;
  }

  /** What this client is told: the service's status, paused also when it paused itself. */
  get status(): MonitorStatus {
    const status = this.service.status;
    return this.paused ? { ...status, paused: true } : status;
  }

  private setPaused(paused: boolean): void {
    if (this.pauseScope === 'shared') return this.service.setUserPaused(paused);
    this.paused = paused;
    this.service.pauseChanged();
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    this.service.updatePolling();
  }

  /** @internal */ deliver(event: ServerEvent): void {
    // Nothing is sent before the client said it is ready to listen (the handshake).
    if (this.unsubscribe && !this.closed) this.send(event);
  }

  close(): void {
    this.closed = true;
    this.unsubscribe?.();
    this.service.closeSession(this);
  }

  /** Validate and run one verb. Throws ContractError for bad input; nothing runs in that case. */
  async handle(verb: unknown, args: unknown): Promise<unknown> {
    if (!isVerb(verb)) throw new ContractError(`unknown verb "${String(verb).slice(0, 64)}"`);
    const parsed = parseRequest(verb, args);
    return this.run(verb, parsed as never);
  }

  private async run<V extends Verb>(verb: V, args: unknown[]): Promise<VerbResults[V]> {
    const { deps } = this.service;
    const result = await (async (): Promise<unknown> => {
      switch (verb) {
        case 'ready':
          this.startStreaming();
          return undefined;
        case 'pause':
          return this.setPaused(true);
        case 'resume':
          return this.setPaused(false);
        case 'planKill': {
          const { target, tree } = args[0] as { target: KillRequest['target']; tree: boolean };
          return (await this.service.planKill(target, tree)).view;
        }
        case 'kill':
          return this.service.kill(args[0] as KillRequest);
        case 'openExternal': {
          const url = args[0] as string;
          if (!deps.openExternal || !isLoopbackUrl(url)) return false;
          await deps.openExternal(url);
          return true;
        }
        case 'copyText':
          if (!deps.copyText) throw new ContractError('copyText: the page copies by itself in browser mode');
          return deps.copyText(args[0] as string);
        case 'getSettings':
          return deps.settings.get();
        case 'setSettings':
          return deps.settings.update(args[0] as object);
        case 'diagnose':
          return diagnosisView(await diagnosePort(args[0] as number, deps.sockets ? { deps: { sockets: deps.sockets } } : {}));
        case 'showMainWindow':
          return deps.showMainWindow?.((args[0] as { port?: number }).port);
        case 'showAllOwners':
          return this.service.showAllOwners(args[0] as boolean);
      }
    })();
    return result as VerbResults[V];
  }

  private startStreaming(): void {
    // A second `ready` (a reloaded page) starts over with a fresh full snapshot.
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.send({ type: 'settings', settings: this.service.deps.settings.get() });
    this.send({ type: 'status', status: this.status });
    const unsubscribe = this.service.deps.monitor.subscribe((event) => {
      if (!this.closed) this.send(toServerEvent(event));
    });
    this.unsubscribe = unsubscribe;
  }
}

export function toServerEvent(event: MonitorEvent): ServerEvent {
  switch (event.type) {
    case 'snapshot':
      return { type: 'snapshot', seq: event.seq, snapshot: toWireSnapshot(event.snapshot as Snapshot) };
    case 'delta':
      return { type: 'delta', seq: event.seq, delta: event.delta as SnapshotDelta };
    case 'error':
      return { type: 'error', message: event.message, at: event.at, retryInMs: event.retryInMs, lastGoodAt: event.lastGoodAt };
  }
}

function planView(plan: KillPlan): KillPlanView {
  return {
    summary: planHeadline(plan),
    candidates: plan.candidates.map((c) => ({
      pid: c.pid,
      name: c.name,
      startTime: c.startTime,
      role: c.role,
      ports: c.ports.map((p) => `${p.protocol.toUpperCase()} ${p.address.includes(':') ? `[${p.address}]` : p.address}:${p.port}`),
    })),
    refusals: plan.refusals.map((r) => r.message),
    restarts: plan.supervision.map((s) => ({ text: s.text, command: s.stop })),
    notes: plan.notes,
  };
}

function diagnosisView(d: Awaited<ReturnType<typeof diagnosePort>>): DiagnosisView {
  return {
    port: d.port,
    bindable: d.bindable,
    verdict: d.verdict,
    headline: verdictHeadline(d.bindable, d.protocol, d.port),
    findings: d.findings.map((f) => ({ severity: f.severity, message: f.message })),
  };
}
