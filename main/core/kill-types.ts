// The shapes of a kill: what we intend (KillPlan), what happened (KillReport), and what we need
// from the outside world (KillDeps), so every piece can be swapped out in tests.
import type { Protocol } from './model.js';
import type { ProcessIdentity } from './identity-types.js';
import type { KillSignal, SignalSender } from './kill-signal.js';
import type { SocketLookup } from './port-view.js';
import type { PlannedSupervision, Supervision } from './supervision.js';

export type { PlannedSupervision } from './supervision.js';
import type { BindResult, BindSpec } from './trial-bind.js';

export type KillTarget = { port: number; protocol?: Protocol } | { pid: number };

export type RefusalReason =
  /** NaN, fractions, 0 and negatives: 0 and negatives address whole process groups. */
  | 'invalid-pid'
  | 'invalid-port'
  /** pid 1: init, or the container's main process. */
  | 'init'
  /** Porthole itself. */
  | 'self'
  /** The shell, terminal or app that (transitively) started Porthole. */
  | 'ancestor'
  /** A process the OS cannot do without (Windows' System, lsass, svchost; a kernel thread): see kill-critical.ts. */
  | 'os-critical'
  /** A socket on the port whose owner the OS won't name. */
  | 'hidden-owner'
  /** The pid does not exist (or has exited) at planning time. */
  | 'not-found'
  /** The pid now belongs to a different process than the one planned: pid reuse. */
  | 'identity-changed'
  /** The sockets on the port could not be listed at all. */
  | 'lookup-failed';

export interface Refusal {
  /** null when there is no pid to name (hidden owner, bad port, failed lookup). */
  pid: number | null;
  reason: RefusalReason;
  /** One sentence for a human. */
  message: string;
}

/** A socket that holds a port, as far as freeing it is concerned. */
export interface HeldPort {
  protocol: Protocol;
  address: string;
  port: number;
  /** For "::": whether it took IPv6 only. null if unknown or IPv4. */
  v6Only: boolean | null;
}

export interface KillCandidate {
  pid: number;
  /** Best name we have: the collector's full name, else the OS's short one. */
  name: string;
  /** From our own identity read; compared with === right before each signal. */
  startTime: number;
  ppid: number | null;
  /** 'target': holds the port or was named. 'descendant': added by --tree. */
  role: 'target' | 'descendant';
  /** When the candidate was found: in the plan, or by the re-scan for new children at execution. */
  foundAt: 'plan' | 'execute';
  /** Ports this process holds (TCP listeners, bound UDP), where the socket lookup could tell. */
  ports: HeldPort[];
}

export interface KillPlan {
  target: KillTarget;
  tree: boolean;
  createdAt: number;
  /** In signalling order: parents before their children (see kill.ts for why). */
  candidates: KillCandidate[];
  /** Pids (or sockets) we will not signal, each with its reason. Non-empty means the port may stay taken. */
  refusals: Refusal[];
  /** What to trial-bind afterwards to prove the ports are free. Empty when the target holds no port. */
  checks: BindSpec[];
  /** Context worth showing before confirming: TIME_WAIT, client connections, nothing listening... */
  notes: string[];
  /** Who would start the targets again, and the command that stops them for good. */
  supervision: PlannedSupervision[];
  /** One sentence: what executing this plan would do. */
  summary: string;
}


export type KillStep =
  | { kind: 'signal'; at: number; pid: number; signal: KillSignal; how: string; delivered: boolean; error?: string }
  | { kind: 'exited'; at: number; pid: number; after: KillSignal }
  | { kind: 'skipped'; at: number; pid: number; reason: RefusalReason | 'already-gone'; message: string }
  | { kind: 'found-child'; at: number; pid: number; parent: number | null }
  /** Waited for a supervisor's restart before checking the ports; `pid` is the restarted holder, if any. */
  | { kind: 'restart-watch'; at: number; by: string; waitedMs: number; pid: number | null };

export type KillOutcome =
  /** Exited after our signal (see `signal`). */
  | 'exited'
  /** Gone before we signalled it: it exited on its own between plan and execution. Success. */
  | 'already-gone'
  | 'still-running'
  | 'refused'
  /** The signal could not be delivered (EPERM...). */
  | 'failed'
  /** Cancelled (AbortSignal) before we got to it. */
  | 'not-attempted';

export interface KillResult {
  pid: number;
  name: string;
  role: KillCandidate['role'];
  outcome: KillOutcome;
  /** The last signal we sent it, null if none. */
  signal: KillSignal | null;
  reason?: RefusalReason;
  message: string;
}

export interface PortCheckHolder {
  protocol: Protocol;
  /** "127.0.0.1:3000", "[::1]:3000", "*:3000". */
  endpoint: string;
  pids: number[];
  owner: 'known' | 'hidden' | 'none';
}

export interface PortCheck {
  port: number;
  /** Sockets still holding the port. Empty when free, or when the lookup failed (see message). */
  holders: PortCheckHolder[];
  /** TIME_WAIT connections left on the port: no process, and no obstacle to a SO_REUSEADDR bind on Linux. */
  timeWait: number;
  binds: { spec: BindSpec; result: BindResult }[];
  free: boolean;
  message: string;
  /** A holder that a supervisor started again after the kill, and what stops it for good. */
  restartedBy?: { by: string; stop: string };
}

export interface KillReport {
  plan: KillPlan;
  force: boolean;
  graceMs: number;
  startedAt: number;
  finishedAt: number;
  steps: KillStep[];
  /** One per candidate, in signalling order (including children found at execution). */
  results: KillResult[];
  stillRunning: number[];
  ports: PortCheck[];
  /** null when there was no port to check (a pid that held none) or the run was cancelled. */
  portFree: boolean | null;
  aborted: boolean;
  /**
   * Nothing was refused, and every port checked is free, with everything planned gone, or at least
   * every port proven free by a bind (a server still draining its connections has let go).
   */
  ok: boolean;
  summary: string;
  advice: string | null;
}

export interface KillDeps {
  sockets: SocketLookup;
  readIdentity(pid: number): Promise<ProcessIdentity | null>;
  /** Full names, for what planning shows: a process's identity carries only the OS's short name. */
  namesOf(pids: number[]): Promise<Map<number, string>>;
  ancestorsOf(pid: number): Promise<number[]>;
  descendantsOf(pid: number): Promise<number[]>;
  /** Who starts this process again if it exits (see supervision.ts); null for nobody we know. */
  supervisionOf(pid: number): Promise<Supervision | null>;
  sendSignal: SignalSender;
  trialBind(spec: BindSpec): Promise<BindResult>;
  /** Whose ancestors are off limits. process.pid by default. */
  selfPid: number;
  /** Which OS's critical processes to refuse (see kill-critical.ts). process.platform by default. */
  platform: NodeJS.Platform;
  now(): number;
}
