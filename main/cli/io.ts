// Where a command reads and writes. Passed in rather than imported so commands stay testable and
// so `serve` can reuse them without touching the real terminal.
import { createRequire } from 'node:module';
import { createStyle, type Style } from './output/style.js';

export interface CliIO {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  out(line?: string): void;
  err(line?: string): void;
  /** Style for stdout: colour only on a terminal. */
  style: Style;
  errStyle: Style;
  isInteractive: boolean;
}

export function processIO(): CliIO {
  let errStyle: Style | undefined;
  // stdin and stderr are getters: Node builds each stream on first touch (a few ms for a pipe),
  // and `porthole 3000` never reads stdin and rarely writes to stderr.
  return {
    stdout: process.stdout,
    get stderr() {
      return process.stderr;
    },
    get stdin() {
      return process.stdin;
    },
    out: (line = '') => void process.stdout.write(`${line}\n`),
    err: (line = '') => void process.stderr.write(`${line}\n`),
    style: createStyle(process.stdout),
    get errStyle() {
      return (errStyle ??= createStyle(process.stderr));
    },
    // Only kill asks; node:tty is not worth loading for the commands that never do.
    get isInteractive() {
      return (createRequire(import.meta.url)('node:tty') as typeof import('node:tty')).isatty(0);
    },
  };
}

/** JSON for people when they look at it, compact when a program reads it. */
export function printJson(io: CliIO, value: unknown): void {
  io.out(io.stdout.isTTY ? JSON.stringify(value, null, 2) : JSON.stringify(value));
}

export function printWarnings(io: CliIO, warnings: string[]): void {
  for (const w of warnings) io.err(io.errStyle.yellow(`warning: ${w}`));
}
