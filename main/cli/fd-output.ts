// Writing a command's output straight to its file descriptor. Node builds process.stdout on first
// touch, and for a pipe that means loading net and the stream machinery: ~3 ms of `porthole --help
// | less` (commands that start a child process load net anyway). A blocking pipe or file takes
// writeSync as it is; anything else falls back to the stream, which queues and drains. Terminals
// always get the stream: on Windows it is what turns UTF-8 into text the console shows.
import { fstatSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';

export class FdOutput {
  private mode: 'direct' | 'stream' | 'closed';

  /**
   * `stream`: Node's stream for the same fd, built only if a direct write cannot go on.
   * `terminal`: the fd is a terminal (see isTerminal()), which only the stream writes to.
   */
  constructor(
    private readonly fd: number,
    private readonly stream: () => NodeJS.WriteStream,
    terminal = false,
  ) {
    this.mode = terminal ? 'stream' : 'direct';
  }

  write(text: string): void {
    if (this.mode === 'closed') return;
    if (this.mode === 'stream') {
      this.stream().write(text);
      return;
    }
    const data = Buffer.from(text, 'utf8');
    let offset = 0;
    try {
      while (offset < data.length) offset += writeSync(this.fd, data, offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // The reader left (`porthole list | head`): drop the rest, as the stream's EPIPE handler does.
      if (code === 'EPIPE') {
        this.mode = 'closed';
        return;
      }
      // A non-blocking fd (a parent's choice) that is full: hand the rest to the stream, and
      // everything after it too, so that output stays in order.
      if (code === 'EAGAIN') {
        this.mode = 'stream';
        this.stream().write(data.subarray(offset));
        return;
      }
      throw error;
    }
  }

  /** Whether anything will reach the reader still. */
  get closed(): boolean {
    return this.mode === 'closed';
  }
}

/**
 * Whether `fd` is a terminal. Only character devices can be; for those (a terminal, or /dev/null)
 * node:tty answers, and is loaded only then: a pipe or a file never pays for it.
 */
export function isTerminal(fd: number): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false; // a closed fd
  }
  return (createRequire(import.meta.url)('node:tty') as typeof import('node:tty')).isatty(fd);
}
