// runServe in-process: the paths the real command cannot show cheaply (no renderer build, no
// browser opener on the machine).
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CliIO } from '../../main/cli/io.js';
import { ContractClient } from './clients.js';

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
          const { port, searchParams } = new URL(url);
          const client = await ContractClient.connect(Number(port), { token: searchParams.get('token')! });
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
    expect(io.outLines[0]).toMatch(/^Porthole is at http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{43} \(Ctrl\+C to stop\)$/);
    expect(io.errLines).toEqual([]);
    expect(seen.status).toBe(200);
    // The settings file PORTHOLE_SETTINGS_FILE names is the one served (and serving never rewrote it).
    expect(seen.filter).toBe('from-env-file');
    expect(readFileSync(process.env.PORTHOLE_SETTINGS_FILE!, 'utf8')).toBe(SETTINGS_TEXT);
  });
});
