// A stand-in for the desktop's browser opener (xdg-open, macOS open), put first on PATH: it records
// the arguments it was started with and what the file it was handed said, as a browser would read it.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const OPENER = process.platform === 'darwin' ? 'open' : 'xdg-open';

export interface FakeOpener {
  /** The folder to put first on PATH. */
  bin: string;
  /** What the opener was given, once it has run (undefined before). */
  seen(): { argv: string[]; content: string } | undefined;
}

export function installFakeOpener(dir: string): FakeOpener {
  const bin = path.join(dir, 'fake-bin');
  const out = path.join(dir, 'opener-saw');
  mkdirSync(bin, { recursive: true });
  mkdirSync(out, { recursive: true });
  const q = (p: string) => `'${p.replaceAll("'", "'\\''")}'`;
  // argv last, renamed into place: its presence means the content is there too.
  const script = [
    '#!/bin/sh',
    `cat "$1" > ${q(path.join(out, 'content'))}`,
    `printf '%s\\n' "$@" > ${q(path.join(out, 'argv.part'))}`,
    `mv ${q(path.join(out, 'argv.part'))} ${q(path.join(out, 'argv'))}`,
    '',
  ].join('\n');
  writeFileSync(path.join(bin, OPENER), script);
  chmodSync(path.join(bin, OPENER), 0o755);
  return {
    bin,
    seen() {
      if (!existsSync(path.join(out, 'argv'))) return undefined;
      return {
        argv: readFileSync(path.join(out, 'argv'), 'utf8').split('\n').slice(0, -1),
        content: readFileSync(path.join(out, 'content'), 'utf8'),
      };
    },
  };
}
