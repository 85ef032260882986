// runServe in-process: the paths the real command cannot show cheaply (no renderer build, no
// browser opener on the machine, a fake one that records what it was given).
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CliIO } from '../../main/cli/io.js';
import { waitFor } from '../core/spawned.js';
import { ContractClient } from './clients.js';
import { installFakeOpener } from './fake-opener.js';

const rendererDir = vi.hoisted(() => ({ value: undefined as string | undefined }));
vi.mock('../../main/serve/renderer-dir.js', () => ({ findRendererDir: () => rendererDir.value }));
const { runServe } = await import('../../main/cli/commands/serve.js');

const SETTINGS_TEXT = JSON.stringify({ watchedPorts: [], filter: 'from-env-file' });
let dir: string;
const saved = { PATH: process.env.PATH, PORTHOLE_SETTINGS_FILE: process.env.PORTHOLE_SETTINGS_FILE };
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'porthole-serve-cmd-'));
  process.env.PORTHOLE_SETTINGS_FILE = path.join(dir, 'settings.json');
  writeFileSync(process.env.PORTHOLE_SETTINGS_FILE, SETTINGS_TEXT);
});
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  rmSync(dir, { recursive: true, force: true });
});

function fakeIO(onOut?: (line: string) => void): CliIO & { outLines: string[]; errLines: string[] } {
  const outLines: string[] = [];
  const errLines: string[] = [];
  const plain = { dim: (s: string) => s } as unknown as CliIO['style'];
  return {
    outLines,
    errLines,
    isTTY: false,
    stderr: process.stderr,
    stdin: process.stdin,
    out: (line = '') => (outLines.push(line), onOut?.(line)),
    err: (line = '') => void errLines.push(line),
    style: plain,
    errStyle: plain,
    isInteractive: false,
  };
}

describe('runServe', () => {
  it('without a built renderer: one clear line, exit 1, nothing started', async () => {
    rendererDir.value = undefined;
    const io = fakeIO();
    expect(await runServe({ port: 0, open: false }, io)).toBe(1);
    expect(io.errLines).toEqual(['porthole: the browser app is not built; run npm run build:renderer']);
    expect(io.outLines).toEqual([]);
  });

  it('--open with no opener installed still serves, prints the one line, and stops with 0', async () => {
    rendererDir.value = path.join(dir, 'renderer');
    mkdirSync(rendererDir.value);
    writeFileSync(path.join(rendererDir.value, 'index.html'), '<!doctype html><title>t</title>');
    // An empty PATH: xdg-open / open cannot be found, as on a headless server.
    process.env.PATH = path.join(dir, 'empty-bin');
    const stop = new AbortController();
    const seen: { status?: number; filter?: unknown } = {};
    const io = fakeIO((line) => {
      const url = /(http:\S+)/.exec(line)?.[1] ?? '';
      void (async () => {
        try {
          seen.status = (await fetch(url)).status;
          const { port, pathname } = new URL(url);
          const client = await ContractClient.connect(Number(port), { token: pathname.split('/')[1]! });
          const reply = await client.request('getSettings', []);
          seen.filter = reply.ok ? (reply.result as { filter: unknown }).filter : reply.error;
          client.close();
        } finally {
          stop.abort();
        }
      })();
    });
    expect(await runServe({ port: 0, open: true }, io, stop.signal)).toBe(0);
    expect(io.outLines).toHaveLength(1);
    expect(io.outLines[0]).toMatch(/^Porthole is at http:\/\/127\.0\.0\.1:\d+\/[\w-]{43}\/ \(Ctrl\+C to stop\)$/);
    expect(io.errLines).toEqual([]);
    expect(seen.status).toBe(200);
    // The settings file PORTHOLE_SETTINGS_FILE names is the one served (and serving never rewrote it).
    expect(seen.filter).toBe('from-env-file');
    expect(readFileSync(process.env.PORTHOLE_SETTINGS_FILE!, 'utf8')).toBe(SETTINGS_TEXT);
  });

  // The stand-in opener is a shell script found on PATH; Windows' opener is rundll32.exe.
  it.skipIf(process.platform === 'win32')('--open starts the opener on a private redirect file, never the address; the file goes when serve stops', async () => {
    rendererDir.value = path.join(dir, 'renderer');
    mkdirSync(rendererDir.value);
    writeFileSync(path.join(rendererDir.value, 'index.html'), '<!doctype html><title>t</title>');
    const opener = installFakeOpener(dir);
    process.env.PATH = `${opener.bin}${path.delimiter}${saved.PATH}`;
    const stop = new AbortController();
    const io = fakeIO();
    const running = runServe({ port: 0, open: true }, io, stop.signal);
    await waitFor(() => opener.seen() !== undefined);
    const url = /(http:\S+)/.exec(io.outLines[0] ?? '')![1]!;
    const token = new URL(url).pathname.split('/')[1]!;
    const { argv, content } = opener.seen()!;
    expect(argv.join(' ')).not.toContain(token);
    expect(content).toContain(`url=${url}`);
    expect(existsSync(argv[0]!)).toBe(true); // well within its minute
    stop.abort();
    expect(await running).toBe(0);
    expect(existsSync(argv[0]!)).toBe(false);
    expect(existsSync(path.dirname(argv[0]!))).toBe(false);
  });
});
