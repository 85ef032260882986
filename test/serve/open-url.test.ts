// `porthole serve --open`'s hand-over to the browser, with a real opener process (a fake one first
// on PATH): the command line every local user can read must not carry the token.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newToken } from '../../main/serve/auth.js';
import { openInBrowser, type OpenedPage } from '../../main/serve/open-url.js';
import { waitFor } from '../core/spawned.js';
import { installFakeOpener, type FakeOpener } from './fake-opener.js';

const saved = { PATH: process.env.PATH, TMPDIR: process.env.TMPDIR };
let dir: string;
let tmp: string;
let opener: FakeOpener;
const opened: OpenedPage[] = [];
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'porthole-open-test-'));
  opener = installFakeOpener(dir);
  process.env.PATH = `${opener.bin}${path.delimiter}${saved.PATH}`;
  // A temp folder of this test's own (os.tmpdir() reads TMPDIR each time): exactly what it made is in there.
  tmp = path.join(dir, 'tmp');
  mkdirSync(tmp);
  process.env.TMPDIR = tmp;
});
afterEach(() => {
  for (const o of opened.splice(0)) o.cleanup();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  rmSync(dir, { recursive: true, force: true });
});

const token = newToken();
const url = `http://127.0.0.1:40123/${token}/`;

/** Open, and wait until the opener has run; its one argument is the redirect file. */
async function openAndWait(options?: { lifetimeMs?: number }): Promise<{ file: string; content: string; argv: string[] }> {
  opened.push(openInBrowser(url, options));
  await waitFor(() => opener.seen() !== undefined);
  const { argv, content } = opener.seen()!;
  return { file: argv[0]!, content, argv };
}

// The stand-in opener is a shell script found on PATH; Windows' opener is rundll32.exe, and the
// redirect file's 0700/0600 modes are POSIX's.
describe.skipIf(process.platform === 'win32')('openInBrowser', () => {
  it("gives the opener only a private file's path; the file sends the browser on to the address", async () => {
    const { argv, file, content } = await openAndWait();
    expect(argv).toHaveLength(1);
    expect(argv.join(' ')).not.toContain(token);
    expect(path.isAbsolute(file)).toBe(true);
    // A fresh folder in the temp folder, that only this user may enter; the file only they may read.
    expect(path.dirname(path.dirname(realpathSync(file)))).toBe(realpathSync(tmp));
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(file).uid).toBe(process.getuid!());
    expect(content).toContain(`<meta http-equiv="refresh" content="0; url=${url}">`);
    expect(content).toContain(`location.replace(${JSON.stringify(url)})`);
    expect(content).toContain('<meta name="referrer" content="no-referrer">');
  });

  it('cleanup() (serve stopping) deletes the file and its folder at once', async () => {
    const { file } = await openAndWait();
    opened[0]!.cleanup();
    expect(existsSync(file)).toBe(false);
    expect(existsSync(path.dirname(file))).toBe(false);
    opened[0]!.cleanup(); // twice is fine
  });

  it('the file and its folder go by themselves once their time is up', async () => {
    const { file } = await openAndWait({ lifetimeMs: 300 });
    await waitFor(() => !existsSync(path.dirname(file)), 5_000);
    expect(existsSync(file)).toBe(false);
  });

  it('with no opener installed, the file is deleted at once', async () => {
    process.env.PATH = path.join(dir, 'empty-bin');
    opened.push(openInBrowser(url));
    expect(readdirSync(tmp)).toHaveLength(1); // written...
    // ...and gone once the spawn has failed (it fails asynchronously: 'error'), long before a minute.
    await waitFor(() => readdirSync(tmp).length === 0, 5_000);
  });
});
