// Follows a file another process appends to, by name, like `tail -F`: the elevated collector
// rotates its output by renaming a fresh file over the old one (see main/cli/commands/
// output-file.ts), so when the name points at a new file we finish the old one, then start the
// new one from its first byte. Polling, not fs.watch: the writer runs as another user, and on
// some systems change events for another user's writes are unreliable; a 200 ms poll is cheap.
import { open, stat, type FileHandle } from 'node:fs/promises';

export interface FollowerEvents {
  onData(chunk: Buffer): void;
  /** The name now points at a different file: the next data starts a new stream. */
  onRotate(): void;
}

const CHUNK = 1024 * 1024;

export class FileFollower {
  private handle: FileHandle | null = null;
  private ino: bigint | null = null;
  private offset = 0;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | null = null;
  private stopped = false;
  private readonly buffer = Buffer.allocUnsafe(CHUNK);

  constructor(
    private readonly file: string,
    private readonly events: FollowerEvents,
    private readonly intervalMs = 200,
  ) {}

  start(): void {
    this.schedule(0);
  }

  /** Reads whatever is there now; used once more after the writer exits. */
  async poll(): Promise<void> {
    if (this.polling) return this.polling;
    this.polling = this.pollOnce().finally(() => (this.polling = null));
    return this.polling;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.polling?.catch(() => undefined);
    await this.handle?.close().catch(() => undefined);
    this.handle = null;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.poll().then(
        () => this.schedule(this.intervalMs),
        () => this.schedule(this.intervalMs),
      );
    }, ms);
  }

  private async pollOnce(): Promise<void> {
    if (!this.handle && !(await this.openCurrent())) return;
    await this.drain();
    let current: bigint | null = null;
    try {
      current = (await stat(this.file, { bigint: true })).ino;
    } catch {
      return; // gone: the writer is stopping, or we are
    }
    if (current !== this.ino) {
      await this.drain();
      await this.handle?.close().catch(() => undefined);
      this.handle = null;
      this.events.onRotate();
      if (await this.openCurrent()) await this.drain();
    }
  }

  private async openCurrent(): Promise<boolean> {
    let handle: FileHandle;
    try {
      handle = await open(this.file, 'r');
    } catch {
      return false; // not written yet: the prompt may still be on screen
    }
    const st = await handle.stat({ bigint: true });
    if (!st.isFile()) {
      await handle.close();
      throw new Error(`${this.file} is not a regular file`);
    }
    this.handle = handle;
    this.ino = st.ino;
    this.offset = 0;
    return true;
  }

  private async drain(): Promise<void> {
    const handle = this.handle;
    if (!handle) return;
    for (;;) {
      const { bytesRead } = await handle.read(this.buffer, 0, CHUNK, this.offset);
      if (bytesRead === 0) return;
      this.offset += bytesRead;
      // A copy: the buffer is reused by the next read, and the consumer may keep slices.
      this.events.onData(Buffer.from(this.buffer.subarray(0, bytesRead)));
    }
  }
}
