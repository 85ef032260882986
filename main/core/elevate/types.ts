// Shapes shared by the per-OS elevation builders and the collector that runs what they build.

/** A program and its argv, ready for child_process.spawn (no shell in between). */
export interface ElevatedCommand {
  command: string;
  args: string[];
}

/**
 * Wraps "run this collector" so it runs with administrator rights. Pure: it only builds argv.
 * `nodePath` runs `cliPath`; with Electron's binary it needs ELECTRON_RUN_AS_NODE=1, which every
 * builder sets inside the elevated side (pkexec, sudo-like prompts and UAC all drop our env).
 */
export type Elevator = (cliPath: string, nodePath: string, args: readonly string[]) => ElevatedCommand;

export type ElevationFailure =
  /** The user said no at the prompt, or authorisation was refused. */
  | 'declined'
  /** The OS tool that asks for rights (pkexec, osascript, PowerShell) is not there. */
  | 'missing-tool'
  /** We would not elevate this program: its files could be swapped by another user. */
  | 'untrusted-path'
  /** The collector started but ended, or never sent a snapshot. */
  | 'exited'
  /** No elevation route on this OS. */
  | 'unsupported';

export class ElevationError extends Error {
  override name = 'ElevationError';
  constructor(
    message: string,
    readonly reason: ElevationFailure,
    /** What to do instead, for the UI: see elevationAdvice(). */
    readonly advice: string,
  ) {
    super(message);
  }
}

/** How a finished elevation wrapper (pkexec, osascript, powershell) ended. */
export interface WrapperExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The wrapper's stderr, last few KiB. */
  stderr: string;
}

export interface PlatformElevation {
  elevatedCommand: Elevator;
  /** The error a wrapper's exit means, or null when it is not the wrapper's fault (our CLI's exit). */
  explainExit(exit: WrapperExit): ElevationError | null;
  /** The error a spawn failure (ENOENT...) means. */
  explainSpawnError(error: NodeJS.ErrnoException): ElevationError;
}
