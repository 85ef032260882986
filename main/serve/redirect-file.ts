// A tiny HTML page that sends the browser on to the page's address, in a fresh folder only this
// user can enter. `porthole serve --open` hands the browser this file's path instead of the
// address itself: a command line is readable by every local user (ps, /proc/PID/cmdline), and the
// address carries the access token.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface RedirectFile {
  /** The page to open: absolute, and naming nothing secret. */
  file: string;
  /** Delete the file and its folder; safe to call more than once. */
  remove(): void;
}

export function writeRedirectFile(url: string): RedirectFile {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'porthole-open-'));
  // mkdtemp already creates 0700; said again, since everything here rests on it.
  chmodSync(dir, 0o700);
  const file = path.join(dir, 'porthole.html');
  // 'wx': never through a file or link someone placed there (nobody else can enter the folder anyway).
  writeFileSync(file, redirectPage(url), { mode: 0o600, flag: 'wx' });
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Both a meta refresh and a script (either may be off), and a link if both are. */
export function redirectPage(url: string): string {
  const attr = url.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const js = JSON.stringify(url).replace(/</g, '\\u003c');
  return [
    '<!doctype html>',
    '<meta charset="utf-8">',
    '<meta name="referrer" content="no-referrer">',
    `<meta http-equiv="refresh" content="0; url=${attr}">`,
    '<title>Porthole</title>',
    `<script>location.replace(${js})</script>`,
    `<p><a href="${attr}">Open Porthole</a></p>`,
    '',
  ].join('\n');
}
