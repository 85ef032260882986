// Splits a byte stream into lines, with a ceiling on line length: a runaway or hostile writer can
// cost us at most maxLineBytes of memory before its line is dropped (and counted).
import { StringDecoder } from 'node:string_decoder';

/** A full snapshot of 20,000 sockets is ~6 MB; 64 MiB leaves room without trusting the writer. */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private parts: string[] = [];
  private pendingBytes = 0;
  private discarding = false;
  /** Lines dropped for being longer than the ceiling. */
  oversized = 0;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineBytes = MAX_LINE_BYTES,
    private readonly onOversize: () => void = () => undefined,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl === -1 ? chunk.length : nl;
      this.take(chunk.subarray(start, end));
      if (nl === -1) return;
      this.finishLine();
      start = nl + 1;
    }
  }

  /** The writer is done: a last line without a newline still counts. */
  end(): void {
    if (this.pendingBytes > 0 || this.parts.length > 0) this.finishLine();
  }

  private take(bytes: Buffer): void {
    if (this.discarding || bytes.length === 0) return;
    this.pendingBytes += bytes.length;
    if (this.pendingBytes > this.maxLineBytes) {
      this.discarding = true;
      this.parts = [];
      this.decoder.end();
      return;
    }
    this.parts.push(this.decoder.write(bytes));
  }

  private finishLine(): void {
    if (this.discarding) {
      this.oversized++;
      this.onOversize();
    } else {
      this.parts.push(this.decoder.end());
      const line = this.parts.join('').replace(/\r$/, '');
      if (line.trim() !== '') this.onLine(line);
    }
    this.parts = [];
    this.pendingBytes = 0;
    this.discarding = false;
  }
}
