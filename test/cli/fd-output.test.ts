// FdOutput against real pipes: a child process writes through it while this test reads, or stops
// reading, or closes its end.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FdOutput, writesDirectly } from '../../main/cli/fd-output.js';

// The children run plain node on a build of the module: a TypeScript loader (tsx) may touch
// process.stdout itself, which makes fd 1 non-blocking and would blur the cases apart.
let dir = '';
let MODULE = '';
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'porthole-fd-output-'));
  const outfile = path.join(dir, 'fd-output.mjs');
  buildSync({ entryPoints: ['main/cli/fd-output.ts'], outfile, format: 'esm', platform: 'node', bundle: true, logLevel: 'warning' });
  MODULE = pathToFileURL(outfile).href;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A child that writes `lines` numbered lines through FdOutput(1); `nonBlocking` first makes fd 1 O_NONBLOCK. */
function writerScript(lines: number, nonBlocking: boolean): string {
  return `
    import { FdOutput } from ${JSON.stringify(MODULE)};
    ${nonBlocking ? 'process.stdout;' /* libuv opens a pipe handle on fd 1, which sets O_NONBLOCK */ : ''}
    const out = new FdOutput(1, () => process.stdout);
    const pad = 'x'.repeat(100);
    for (let i = 0; i < ${lines}; i++) out.write(i + ' ' + pad + '\\n');
    process.stderr.write(out.closed ? 'closed' : 'open');
  `;
}

function runWriter(script: string, readDelayMs: number): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    // Not reading at first lets the pipe (64 KiB) fill, so a non-blocking writer meets EAGAIN.
    child.stdout.pause();
    setTimeout(() => child.stdout.resume(), readDelayMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout, stderr, code }));
  });
}

function expectAllLines(stdout: string, count: number): void {
  const lines = stdout.trimEnd().split('\n');
  expect(lines).toHaveLength(count);
  lines.forEach((line, i) => expect(line.startsWith(`${i} `)).toBe(true));
}

describe('FdOutput', () => {
  it('writes everything, in order, to a blocking pipe that fills up', async () => {
    // ~1 MB: many times what the pipe holds, so the writer blocks until the reader catches up.
    const r = await runWriter(writerScript(10_000, false), 300);
    expect(r.code).toBe(0);
    expectAllLines(r.stdout, 10_000);
    expect(r.stderr).toBe('open');
  });

  it('hands the rest to the stream, in order, when a non-blocking pipe is full', async () => {
    const r = await runWriter(writerScript(10_000, true), 300);
    expect(r.code).toBe(0);
    expectAllLines(r.stdout, 10_000);
  });

  it('writes directly to pipes and files only', () => {
    const file = path.join(dir, 'out.txt');
    const fileFd = openSync(file, 'w');
    try {
      expect(writesDirectly(fileFd)).toBe(true);
    } finally {
      closeSync(fileFd);
    }
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', `import { writesDirectly } from ${JSON.stringify(MODULE)}; process.stderr.write(String(writesDirectly(1)))`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(child.stderr).toBe('true');
    if (process.platform !== 'win32') {
      // A character device, like a terminal: left to Node's stream.
      const nullFd = openSync('/dev/null', 'w');
      try {
        expect(writesDirectly(nullFd)).toBe(false);
      } finally {
        closeSync(nullFd);
      }
    }
  });

  it('leaves a terminal to the stream', () => {
    // Stands in for the terminal: the stream is what gets written to, never the fd.
    const written: string[] = [];
    const stream = { write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream;
    const out = new FdOutput(1, () => stream, false);
    out.write('→ ⚠\n');
    expect(written).toEqual(['→ ⚠\n']);
  });

  // A POSIX shell's pipeline into `true`; Windows has no sh to run native programs through.
  it.skipIf(process.platform === 'win32')('drops the rest quietly when the reader has gone', () => {
    // `| true`: the reader exits without reading, so the writes meet a closed pipe (EPIPE).
    const r = spawnSync('sh', ['-c', `"${process.execPath}" --input-type=module -e "$SCRIPT" | true`], {
      encoding: 'utf8',
      env: { ...process.env, SCRIPT: writerScript(2_000, false) },
    });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('closed');
  });
});
