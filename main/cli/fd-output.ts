// Writing a command's output straight to its file descriptor. Node builds process.stdout on first
// touch, and for a pipe that means loading net and the stream machinery: ~3 ms of `porthole --help
// | less` (commands that start a child process load net anyway). A blocking pipe or file takes
// writeSync as it is; anything else falls back to the stream, which queues and drains. Terminals
// and other character devices (/dev/null) always get the stream: telling the two apart needs
// node:tty, which costs as much as the stream, and on Windows only the stream turns UTF-8 into
// text the console shows.
import { fstatSync, writeSync } from 'node:fs';

export class FdOutput {
  private mode: 'direct' | 'stream' | 'closed';

  /**
   * `stream`: Node's stream for the same fd, built only if a direct write cannot go on.
   * `direct`: whether to try writeSync first (see writesDirectly()); otherwise only the stream.
   */
  constructor(
    private readonly fd: number,
    private readonly stream: () => NodeJS.WriteStream,
    direct = true,
    /** Called once when the reader is found gone (EPIPE), so a long-running command can stop. */
    private readonly onClosed: () => void = () => undefined,
  ) {
    this.mode = direct ? 'direct' : 'stream';
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
        this.onClosed();
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

/** Whether `fd` is a pipe, a socket or a regular file: what writeSync serves as well as the stream. */
export function writesDirectly(fd: number): boolean {
  try {
    const stat = fstatSync(fd);
    return stat.isFIFO() || stat.isSocket() || stat.isFile();
  } catch {
    return false; // let Node's stream decide what to make of it
  }
}
