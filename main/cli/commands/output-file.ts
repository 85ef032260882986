// `--output FILE` for `list --json` and `watch --json`: JSON lines go to FILE instead of stdout.
// It exists for "Show all owners" (main/core/elevate/): an elevated process cannot always hand its
// stdout to the app (macOS's `do shell script` returns output only at the end; UAC cannot share
// pipes), and the app cannot signal a process that runs as root. So:
// - FILE is created, never opened if it exists (O_EXCL), never through a symlink (O_NOFOLLOW), in
//   a folder only its owner can write to: running as root, we must not be steered into
//   overwriting or creating files elsewhere. Its name must end in ".jsonl" (a name with a dot is
//   skipped by sudoers.d, cron.d and run-parts, should a folder be swapped under us anyway);
// - `watch` stops when FILE is deleted or replaced: that is how the app stops it;
// - `watch` rotates: past rotateBytes it starts over with a fresh snapshot in a new file renamed
//   over FILE, so an all-day session does not fill the disk. The reader follows by name (tail -F).
import { closeSync, constants, fstatSync, lstatSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../args.js';
import type { CliIO } from '../io.js';
import { createStyle } from '../output/style.js';
import { runList } from './list.js';
import { runWatch, type WatchOptions } from './watch.js';

export type OutputCommand =
  | ({ name: 'watch'; output: string } & WatchOptions)
  | { name: 'list'; output: string; listening: boolean; json: boolean };

export interface OutputFileOptions {
  /** Start a new file once this many bytes are written... */
  rotateBytes?: number;
  /** ...and the file holds this many times its first snapshot, so a huge snapshot is not rewritten on every change. */
  snapshotsPerFile?: number;
}

const ROTATE_BYTES = 32 * 1024 * 1024;
const NAME = /^[A-Za-z0-9_-]+\.jsonl$/;

/** Validates FILE and its folder, and creates FILE. Throws UsageError with the reason. */
export function createOutputFile(file: string, platform: NodeJS.Platform = process.platform): number {
  if (!path.isAbsolute(file)) throw new UsageError(`--output needs an absolute path, not "${file}"`);
  if (!NAME.test(path.basename(file))) throw new UsageError('--output FILE must be named like "name.jsonl" (letters, digits, _ and -)');
  const dir = path.dirname(file);
  let st;
  try {
    st = lstatSync(dir);
  } catch (error) {
    throw new UsageError(`--output: cannot use folder ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (!st.isDirectory()) throw new UsageError(`--output: ${dir} is not a folder (symbolic links are refused)`);
  if (platform !== 'win32' && (st.mode & 0o022) !== 0 && (st.mode & 0o1000) === 0) {
    throw new UsageError(`--output: ${dir} is writable by other users`);
  }
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
  try {
    // 0644: when we run as root, the app that asked (not root) must be able to read it.
    return openSync(file, flags, 0o644);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'EEXIST' ? `--output: ${file} already exists (it is never overwritten)` : `--output: cannot create ${file}: ${code ?? (error as Error).message}`);
  }
}

class Sink {
  bytes = 0;
  firstLine = 0;
  constructor(public fd: number) {}

  write(line: string): void {
    const data = Buffer.from(`${line}\n`, 'utf8');
    for (let off = 0; off < data.length; ) off += writeSync(this.fd, data, off);
    if (this.firstLine === 0) this.firstLine = data.length;
    this.bytes += data.length;
  }
}

function sinkIO(io: CliIO, sink: Sink, afterWrite: () => void): CliIO {
  return {
    ...io,
    isTTY: false,
    style: createStyle(false),
    isInteractive: false,
    out: (line = '') => {
      sink.write(line);
      afterWrite();
    },
  };
}

export async function runToOutputFile(command: OutputCommand, io: CliIO, options: OutputFileOptions = {}): Promise<number> {
  if (!command.json) throw new UsageError('--output writes JSON lines: add --json');
  const sink = new Sink(createOutputFile(command.output));
  try {
    if (command.name === 'list') return await runList(command, sinkIO(io, sink, () => undefined));
    return await watchToFile(command, io, sink, options.rotateBytes ?? ROTATE_BYTES, options.snapshotsPerFile ?? 4);
  } finally {
    closeSync(sink.fd);
  }
}

async function watchToFile(command: Extract<OutputCommand, { name: 'watch' }>, io: CliIO, sink: Sink, rotateBytes: number, snapshotsPerFile: number): Promise<number> {
  const file = command.output;
  let ino = fstatSync(sink.fd, { bigint: true }).ino;
  let gone = false;
  let current: AbortController | undefined;
  const stillOurs = () => {
    try {
      return statSync(file, { bigint: true }).ino === ino;
    } catch {
      return false; // deleted (or, on Windows, pending deletion)
    }
  };
  const check = setInterval(
    () => {
      if (stillOurs()) return;
      gone = true;
      current?.abort();
    },
    Math.max(250, Math.min(command.intervalMs, 1000)),
  );
  try {
    for (;;) {
      const generation = (current = new AbortController());
      let rotate = false;
      const afterWrite = () => {
        if (rotate || sink.bytes <= rotateBytes || sink.bytes <= snapshotsPerFile * sink.firstLine) return;
        rotate = true;
        generation.abort();
      };
      const code = await runWatch(command, sinkIO(io, sink, afterWrite), generation.signal);
      // Ended by Ctrl+C, by deletion, or (checked once more) by a deletion since the last check,
      // which the rename below must not undo.
      if (gone || !rotate || !stillOurs()) return code;
      // Rotate: a new empty file takes FILE's name (the reader finishes the old one, then follows
      // the name), and the next runWatch starts it with a fresh snapshot.
      const next = file.replace(/\.jsonl$/, '-next.jsonl');
      const fd = createOutputFile(next);
      renameSync(next, file);
      closeSync(sink.fd);
      sink.fd = fd;
      sink.bytes = 0;
      sink.firstLine = 0;
      ino = fstatSync(fd, { bigint: true }).ino;
    }
  } finally {
    clearInterval(check);
  }
}
