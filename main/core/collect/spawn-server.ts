// A small shell that starts the collector's commands for a long-running monitor: a fork server.
//
// On Linux, Node starts a child by fork()ing the whole process, so every `ss` costs the parent a
// copy of its page tables and the child an unmapping of all of it: measured here, 1.4 ms at 47 MB
// RSS, 12.6 ms at 363 MB and 38.5 ms at 1.1 GB, per spawn, twice that in CPU. A monitor living in
// the Electron main process (or beside a 25,000-row mirror) pays that every second. A shell of a
// megabyte or two forks for next to nothing, so the monitor asks one to run each command.
//
// One command at a time. Each one's end is marked on stdout (with its exit status) and on stderr
// by a random nonce, so the output needs no escaping and cannot fake an end. A command that hangs
// or is cancelled takes the shell with it (its process group is killed); the next run starts a
// new one. Errors are runCommand's, word for word.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { CommandError, firstLine, MAX_BUFFER, runCommand, type Run, type RunOptions, type RunResult } from './run.js';

/** What `sh` exits with when it cannot find or execute the command. */
const NOT_FOUND = 127;
const NOT_EXECUTABLE = 126;

export class SpawnServer {
  private shell: ChildProcessWithoutNullStreams | undefined;
  private readonly nonce = randomBytes(16).toString('hex');
  private queue: Promise<unknown> = Promise.resolve();
  /** The shell could not be started at all: run commands directly from now on. */
  private unavailable = false;
  private current: Pending | undefined;
  private readonly stdoutStore = new OutputStore();
  private readonly stderrStore = new OutputStore();

  constructor(private readonly shellPath = '/bin/sh') {}

  /** Same contract as runCommand. */
  readonly run: Run = (command, args, options = {}) => {
    const result = this.queue.then(() => this.runOne(command, args, options));
    this.queue = result.catch(() => undefined);
    return result;
  };

  /** Ends the shell (it exits at the end of its input). */
  close(): void {
    this.shell?.stdin.end();
    this.shell = undefined;
  }

  private runOne(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
    // A caller with its own environment gets a process of its own: the shell's is fixed.
    if (this.unavailable || options.env) return runCommand(command, args, options);
    const { timeoutMs = 10_000, signal, okCodes = [0], binary = false } = options;
    const what = `${command} ${args.join(' ')}`.trim();
    if (signal?.aborted) return Promise.reject(new CommandError(`${what} was cancelled`, command, null, ''));
    let shell: ChildProcessWithoutNullStreams;
    try {
      shell = this.ensureShell();
    } catch {
      this.unavailable = true;
      return runCommand(command, args, options);
    }
    return new Promise<RunResult>((resolve, reject) => {
      const finish = (error: CommandError | undefined, result?: RunResult) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.current = undefined;
        if (error) reject(error);
        else resolve(result!);
      };
      const fail = (message: string, stderr = '') => {
        this.kill();
        finish(new CommandError(message, command, null, stderr));
      };
      const timer = setTimeout(() => fail(`${what} did not finish within ${timeoutMs} ms`), timeoutMs);
      const onAbort = () => fail(`${what} was cancelled`);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.current = {
        stdout: new Marked(`\n${this.nonce}`, true, this.stdoutStore, what, binary),
        stderr: new Marked(`\n${this.nonce}`, false, this.stderrStore, what, false),
        done: (stdout, stderr, status, bytes) => {
          if (status === 0 || okCodes.includes(status)) return finish(undefined, bytes ? { stdout, stderr, bytes } : { stdout, stderr });
          let message: string;
          if (status === NOT_FOUND) message = `${command} is not installed or not on PATH`;
          else if (status === NOT_EXECUTABLE) message = `${what} failed (exit ${status}): ${command} cannot be executed`;
          else message = `${what} failed (exit ${status}): ${firstLine(stderr) || 'no message'}`;
          finish(new CommandError(message, command, status === NOT_FOUND ? 'ENOENT' : status, stderr));
        },
        fail,
      };
      // The command's status goes after the stdout nonce; each stream then ends with a newline.
      // </dev/null: the shell's input is our next commands, not the command's.
      shell.stdin.write(`${[command, ...args].map(quote).join(' ')} </dev/null; printf '\\n%s %d\\n' ${this.nonce} $?; printf '\\n%s\\n' ${this.nonce} >&2\n`);
    });
  }

  private ensureShell(): ChildProcessWithoutNullStreams {
    if (this.shell) return this.shell;
    // detached: its own process group, so a hung command can be killed along with it.
    const shell = spawn(this.shellPath, [], { stdio: 'pipe', detached: true, env: { ...process.env, LC_ALL: 'C' } });
    if (shell.pid === undefined) {
      shell.on('error', () => undefined);
      throw new Error(`could not start ${this.shellPath}`);
    }
    shell.stdout.on('data', (chunk: Buffer) => this.onOutput(shell, 'stdout', chunk));
    shell.stderr.on('data', (chunk: Buffer) => this.onOutput(shell, 'stderr', chunk));
    shell.on('error', () => undefined);
    shell.on('exit', () => {
      if (this.shell === shell) this.shell = undefined;
      if (this.current && this.shell === undefined) this.current.fail('the command shell exited unexpectedly');
    });
    shell.stdin.on('error', () => undefined); // EPIPE when it died; 'exit' reports that
    // It must not keep a process alive on its own: a pending command's timer does that.
    shell.unref();
    for (const stream of [shell.stdin, shell.stdout, shell.stderr]) (stream as unknown as { unref?: () => void }).unref?.();
    this.shell = shell;
    return shell;
  }

  private onOutput(shell: ChildProcessWithoutNullStreams, stream: 'stdout' | 'stderr', chunk: Buffer): void {
    const pending = this.current;
    if (!pending || shell !== this.shell) return;
    const marked = pending[stream];
    if (!marked.add(chunk)) return pending.fail(`${stream} exceeded ${MAX_BUFFER} bytes`);
    if (pending.stdout.ended && pending.stderr.ended) {
      pending.done(pending.stdout.text, pending.stderr.text, pending.stdout.status, pending.stdout.bytes);
    }
  }

  private kill(): void {
    const shell = this.shell;
    this.shell = undefined;
    if (!shell?.pid) return;
    try {
      process.kill(-shell.pid, 'SIGKILL'); // the shell and whatever it runs: our own process group
    } catch {
      shell.kill('SIGKILL');
    }
  }
}

interface Pending {
  stdout: Marked;
  stderr: Marked;
  done(stdout: string, stderr: string, status: number, bytes: Buffer | undefined): void;
  fail(message: string): void;
}

/**
 * One stream of one command: its bytes until the end marker, which is cut off. The bytes go into
 * a buffer that later commands' output reuses: at 20,000 sockets that is 2 MB a second, and
 * fresh memory for it every poll (chunks, then their concatenation) cost more in page faults
 * than reading it.
 */
class Marked {
  private size = 0;
  ended = false;
  text = '';
  /** The output as bytes, for a binary command. */
  bytes: Buffer | undefined;
  status = 0;

  constructor(
    /** "\n<nonce>"; on stdout, " <status>" follows it. Either way a newline ends the stream. */
    private readonly marker: string,
    private readonly withStatus: boolean,
    private readonly store: OutputStore,
    /** The command line: output is compared with the last output of the same command. */
    private readonly command: string,
    private readonly binary: boolean,
  ) {}

  /** False when the output grew past MAX_BUFFER. */
  add(chunk: Buffer): boolean {
    if (this.size + chunk.length > MAX_BUFFER) return false;
    const buffer = this.store.reserve(this.size + chunk.length, this.size);
    chunk.copy(buffer, this.size);
    this.size += chunk.length;
    // The marker ends the stream, so only the tail needs looking at: "\n<nonce>[ <status>]\n".
    if (chunk.length === 0 || chunk[chunk.length - 1] !== 10) return true;
    const from = Math.max(0, this.size - (this.marker.length + 8));
    const tail = buffer.toString('latin1', from, this.size);
    const at = tail.lastIndexOf(this.marker);
    if (at < 0) return true;
    const rest = tail.slice(at + this.marker.length, -1);
    if (this.withStatus ? !/^ \d+$/.test(rest) : rest !== '') return true;
    this.status = this.withStatus ? Number(rest.slice(1)) : 0;
    if (this.binary) this.bytes = this.store.copyBytes(from + at);
    else this.text = this.store.settle(this.command, from + at);
    this.ended = true;
    return true;
  }
}

/**
 * Two buffers kept from one command to the next, grown (never shrunk) to the largest output: one
 * is written, the other holds the last output. Output byte for byte the same as the last run of
 * the same command comes back as the same string: no 2 MB string to build and collect, and
 * callers can tell an unchanged answer by identity (a quiet machine's `ss` prints the same bytes
 * every second).
 */
class OutputStore {
  private writing = Buffer.allocUnsafe(64 * 1024);
  private last = Buffer.allocUnsafe(64 * 1024);
  private lastLength = -1;
  private lastCommand = '';
  private lastText = '';

  /** The buffer being written, of at least `size` bytes, whose first `keep` bytes are kept. */
  reserve(size: number, keep: number): Buffer {
    if (size > this.writing.length) {
      const grown = Buffer.allocUnsafe(Math.max(size, this.writing.length * 2));
      this.writing.copy(grown, 0, 0, keep);
      this.writing = grown;
    }
    return this.writing;
  }

  /** The text of the first `length` bytes written, for `command`; the buffers then swap roles. */
  settle(command: string, length: number): string {
    const same = command === this.lastCommand && length === this.lastLength && this.writing.compare(this.last, 0, length, 0, length) === 0;
    if (!same) {
      this.lastText = this.writing.toString('utf8', 0, length);
      this.lastCommand = command;
      this.lastLength = length;
    }
    [this.writing, this.last] = [this.last, this.writing];
    return this.lastText;
  }

  /** The first `length` bytes written, as a Buffer of their own: the caller may keep it. */
  copyBytes(length: number): Buffer {
    const bytes = Buffer.allocUnsafeSlow(length);
    this.writing.copy(bytes, 0, 0, length);
    return bytes;
  }
}

/** One shell word: single quotes, with any single quote spelled '\''. */
function quote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
