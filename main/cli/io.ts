// Where a command reads and writes. Passed in rather than imported so commands stay testable and
// so `serve` can reuse them without touching the real terminal.
import { createRequire } from 'node:module';
import { FdOutput, writesDirectly } from './fd-output.js';
import { printable } from './output/printable.js';
import { createStyle, type Style } from './output/style.js';

export interface CliIO {
  /** Whether stdout is a terminal: tables are grouped and coloured, JSON indented. */
  isTTY: boolean;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  out(line?: string): void;
  err(line?: string): void;
  /** Style for stdout: colour only on a terminal. */
  style: Style;
  errStyle: Style;
  isInteractive: boolean;
  /**
   * Aborted once stdout's reader is gone (`porthole watch | head -1`): a command that would
   * otherwise run forever stops then.
   */
  outputGone?: AbortSignal;
}

export function processIO(): CliIO {
  let errStyle: Style | undefined;
  // A pipe or a file is written to directly (see fd-output.ts), and is no terminal. stdin and
  // stderr are getters: Node builds each stream on first touch (a few ms for a pipe), and
  // `porthole 3000` never reads stdin and rarely writes to stderr.
  const direct = writesDirectly(1);
  const gone = new AbortController();
  const readerLeft = () => gone.abort();
  const stream = () => stdoutStream(readerLeft);
  const isTTY = !direct && stream().isTTY === true;
  const stdout = new FdOutput(1, stream, direct, readerLeft);
  const style = createStyle(isTTY);
  return {
    isTTY,
    outputGone: gone.signal,
    get stderr() {
      return process.stderr;
    },
    get stdin() {
      return process.stdin;
    },
    // Our own colours (a terminal, or FORCE_COLOR) pass; any other control character is written out.
    out: (line = '') => stdout.write(`${printable(line, style.color)}\n`),
    err: (line = '') => void process.stderr.write(`${printable(line, (errStyle ??= createStyle(process.stderr.isTTY === true)).color)}\n`),
    style,
    get errStyle() {
      return (errStyle ??= createStyle(process.stderr.isTTY === true));
    },
    // Only kill asks; node:tty is not worth loading for the commands that never do.
    get isInteractive() {
      return (createRequire(import.meta.url)('node:tty') as typeof import('node:tty')).isatty(0);
    },
  };
}

/**
 * process.stdout, for when a direct write cannot go on. `porthole list | head`: the reader left.
 * Drop the rest of the output and finish as usual (the exit code still says held or free), rather
 * than die of an unhandled EPIPE with a stack trace.
 */
function stdoutStream(readerLeft: () => void): NodeJS.WriteStream {
  const stream = process.stdout;
  if (stream.listenerCount('error') === 0) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
      readerLeft();
    });
  }
  return stream;
}

/** JSON for people when they look at it, compact when a program reads it. */
export function printJson(io: CliIO, value: unknown): void {
  io.out(io.isTTY ? JSON.stringify(value, null, 2) : JSON.stringify(value));
}

export function printWarnings(io: CliIO, warnings: string[]): void {
  for (const w of warnings) io.err(io.errStyle.yellow(`warning: ${w}`));
}
