// Run an OS tool and capture its output, with a time limit. Every collector goes through here so
// that a missing, hanging or failing tool turns into one clear error instead of a crash.
import { execFile } from 'node:child_process';

export interface RunResult {
  /** Empty when the output was asked for as bytes. */
  stdout: string;
  stderr: string;
  /** With `{ binary: true }`: the output as bytes, the caller's to keep. */
  bytes?: Buffer;
}

export interface RunOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Exit codes that still mean "here is your output" (lsof exits 1 when nothing matched). */
  okCodes?: number[];
  env?: NodeJS.ProcessEnv;
  /** The output is binary (`ss -D -`): give it as `bytes`, not decoded. */
  binary?: boolean;
}

/** How a collector starts a tool: runCommand, or a stand-in with its contract (SpawnServer, tests). */
export type Run = (command: string, args: readonly string[], options?: RunOptions) => Promise<RunResult>;

export class CommandError extends Error {
  constructor(
    message: string,
    readonly command: string,
    readonly code: number | string | null,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

export const MAX_BUFFER = 256 * 1024 * 1024;

export function runCommand(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const { timeoutMs = 10_000, signal, okCodes = [0], env, binary = false } = options;
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      // LC_ALL=C: tools print English state names and '.' decimals, which the parsers expect.
      { timeout: timeoutMs, signal, maxBuffer: MAX_BUFFER, encoding: 'buffer', windowsHide: true, env: env ?? { ...process.env, LC_ALL: 'C' } },
      (error, out, errOut) => {
        const stderr = errOut ? errOut.toString('utf8') : '';
        const result = (): RunResult => (binary ? { stdout: '', stderr, bytes: out } : { stdout: out.toString('utf8'), stderr });
        if (!error) return resolve(result());
        const err = error as NodeJS.ErrnoException & { code?: number | string; killed?: boolean; signal?: string | null };
        if (typeof err.code === 'number' && okCodes.includes(err.code)) return resolve(result());
        const what = `${command} ${args.join(' ')}`.trim();
        let message: string;
        if (err.code === 'ENOENT') message = `${command} is not installed or not on PATH`;
        else if (err.killed || err.signal === 'SIGTERM') message = `${what} did not finish within ${timeoutMs} ms`;
        else if (err.name === 'AbortError') message = `${what} was cancelled`;
        else message = `${what} failed (exit ${err.code ?? err.signal}): ${firstLine(stderr) || err.message}`;
        reject(new CommandError(message, command, err.code ?? null, stderr));
      },
    );
  });
}

/** The first line of a tool's message, trimmed: what an error repeats of its stderr. */
export function firstLine(text: string): string {
  return text.split('\n', 1)[0]?.trim() ?? '';
}
