// startElevatedCollector end to end, with the real CLI and the real engine, through the same code
// path the app uses; only the elevation wrapper is swapped for one that does not elevate (no
// prompt can be answered here). Declines and missing tools are played by small stand-ins that
// behave like pkexec does.
import { execFileSync, spawnSync, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CollectorError } from '../../../main/core/collect/types.js';
import { startElevatedCollector, type ElevatedCollector, type Elevator } from '../../../main/core/elevate/index.js';
import { isAlive } from '../../../main/core/elevate/stale.js';
import { ElevationError } from '../../../main/core/elevate/types.js';
import { Engine } from '../../../main/core/engine.js';
import { eventually, startListener, stopAll } from '../../os/listener.js';

const posix = process.platform !== 'win32';
const CLI = path.resolve('out/cli/porthole.cjs');
const DRIVER = path.resolve('test/core/elevate/cli-driver.ts');
const tmpRoot = mkdtempSync(path.join(os.tmpdir(), 'porthole-elevate-test-'));
const running: ElevatedCollector[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.stop()));
  await stopAll();
});
afterAll(() => rmSync(tmpRoot, { recursive: true, force: true }));

/** The identity "elevator": what pkexec would run, minus pkexec. */
const envElevator: Elevator = (cli, node, args) =>
  posix ? { command: 'env', args: ['ELECTRON_RUN_AS_NODE=1', node, cli, ...args] } : { command: node, args: [cli, ...args] };

/** Runs our CLI driver (the real runToOutputFile) in place of the bundle, for the file transport. */
const driverElevator: Elevator = (_cli, node, args) => ({ command: node, args: ['--import', 'tsx', DRIVER, ...args] });

function start(options: Partial<Parameters<typeof startElevatedCollector>[0]>): ElevatedCollector {
  const c = startElevatedCollector({ cliPath: CLI, nodePath: process.execPath, checkTrust: false, tmpRoot, intervalMs: 500, followMs: 50, ...options });
  running.push(c);
  return c;
}

function fake(script: string): Elevator {
  return () => ({ command: process.execPath, args: ['-e', script] });
}

describe('the real CLI, streaming `porthole watch --json` on stdout', () => {
  it('carries a spawned listener with its pid into the engine, with the details the elevated side read', async () => {
    const l = await startListener('127.0.0.1');
    const elevated = start({ elevator: envElevator, transport: 'stdout' });
    await elevated.ready;
    const engine = new Engine({ collector: elevated.collector, describer: elevated.describer });
    const snapshot = await eventually(async () => {
      const s = await engine.snapshot();
      return s.sockets.some((x) => x.localPort === l.port && x.pids.includes(l.pid)) ? s : undefined;
    }, `pid ${l.pid} on :${l.port} in the streamed snapshot`);
    expect(snapshot.processes.get(l.pid)?.command).toContain(l.marker);
    expect(elevated.stats().badLines).toBe(0);
    expect(elevated.stats().goodLines).toBeGreaterThan(0);
  });

  it('follows changes: a listener that stops disappears from the picture', async () => {
    const l = await startListener('127.0.0.1');
    const elevated = start({ elevator: envElevator, transport: 'stdout' });
    await elevated.ready;
    const has = async () => (await elevated.collector.collect({ port: l.port })).sockets.some((s) => s.pids.includes(l.pid));
    await eventually(async () => ((await has()) ? true : undefined), 'the listener');
    l.child.kill('SIGKILL');
    await eventually(async () => ((await has()) ? undefined : true), 'the listener to go');
  });
});

// /bin/sh stands in for the wrapper that detaches the collector, and the folder's mode is POSIX's.
describe.runIf(posix)('the file transport: --output in a private folder, stopped by deleting the file', () => {
  it('streams through the file, and the collector exits on its own once the file is gone', async () => {
    const l = await startListener('127.0.0.1');
    // sh runs the collector in the background and exits when told to: like a root process, the
    // collector itself is never signalled by stop(), so only the deleted file can end it.
    const pidFile = path.join(tmpRoot, `pid-${Date.now()}`);
    const elevator: Elevator = (cli, node, args) => {
      const inner = driverElevator(cli, node, args);
      return { command: '/bin/sh', args: ['-c', '"$@" 2>/dev/null & echo $! > "$PIDFILE"; wait', 'sh', inner.command, ...inner.args] };
    };
    process.env.PIDFILE = pidFile;
    const elevated = start({ elevator });
    await elevated.ready;
    const dirs = readdirSync(tmpRoot).filter((n) => n.startsWith(`porthole-elevated-${process.pid}-`));
    expect(dirs).toHaveLength(1);
    expect(statMode(path.join(tmpRoot, dirs[0]!))).toBe(0o700);
    await eventually(async () => ((await elevated.collector.collect()).sockets.some((s) => s.pids.includes(l.pid)) ? true : undefined), 'the listener via the file');
    const collectorPid = Number(readFileSync(pidFile, 'utf8').trim());
    expect(isAlive(collectorPid)).toBe(true);
    await elevated.stop();
    await eventually(async () => (isAlive(collectorPid) ? undefined : true), 'the collector to exit after its file was deleted');
    expect(existsSync(path.join(tmpRoot, dirs[0]!))).toBe(false);
    expect(await elevated.done).toBeNull();
  });

  it('keeps a correct picture while the collector rotates its file', async () => {
    const l = await startListener('127.0.0.1');
    process.env.PORTHOLE_TEST_ROTATE = '1';
    try {
      const elevated = start({ elevator: driverElevator });
      await elevated.ready;
      await eventually(async () => (elevated.stats().rotations >= 3 ? true : undefined), 'three rotations');
      const raw = await elevated.collector.collect({ port: l.port });
      expect(raw.sockets.some((s) => s.pids.includes(l.pid))).toBe(true);
      expect(elevated.stats().badLines).toBe(0);
    } finally {
      delete process.env.PORTHOLE_TEST_ROTATE;
    }
  });
});

describe('failures become clear errors', () => {
  it('pkexec dismissed (exit 126) -> "Elevation was declined."', async () => {
    const elevated = start({ platform: 'linux', elevator: fake("process.stderr.write('Error executing command as another user: Request dismissed\\n'); process.exit(126)") });
    await expect(elevated.ready).rejects.toMatchObject({ name: 'ElevationError', reason: 'declined', message: 'Elevation was declined.' });
    await expect(elevated.collector.collect()).rejects.toBeInstanceOf(CollectorError);
    await expect(elevated.collector.collect()).rejects.toThrow('Elevation was declined.');
    expect((await elevated.done)?.advice).toMatch(/sudo/);
  });

  it('osascript "User canceled (-128)" -> declined', async () => {
    const elevated = start({ platform: 'darwin', elevator: fake("process.stderr.write('0:242: execution error: User canceled. (-128)\\n'); process.exit(1)") });
    await expect(elevated.ready).rejects.toMatchObject({ reason: 'declined', message: 'Elevation was declined.' });
  });

  it('UAC declined (exit 1223) -> declined', async () => {
    // POSIX exit codes stop at 255, so the powershell wrapper is played by a fake process here.
    const spawn = () => {
      const child = Object.assign(new EventEmitter(), { stdout: new PassThrough(), stderr: new PassThrough(), pid: 4242, exitCode: null, signalCode: null, kill: () => true });
      setImmediate(() => (child.emit('spawn'), child.emit('close', 1223, null)));
      return child as unknown as ChildProcess;
    };
    const elevated = start({ platform: 'win32', spawn, elevator: fake('') });
    await expect(elevated.ready).rejects.toMatchObject({ reason: 'declined', advice: expect.stringMatching(/Administrator terminal/) });
  });

  it('no pkexec -> "pkexec is not installed: run `sudo porthole` instead."', async () => {
    const elevated = start({ platform: 'linux', elevator: () => ({ command: path.join(tmpRoot, 'no-such-dir', 'pkexec'), args: [] }) });
    await expect(elevated.ready).rejects.toMatchObject({ reason: 'missing-tool', message: 'pkexec is not installed: run `sudo porthole` instead.' });
  });

  it('an AppImage says elevation is unavailable there (root cannot read its FUSE mount)', async () => {
    const elevated = start({ platform: 'linux', env: { APPIMAGE: '/home/ann/Porthole.AppImage' } });
    await expect(elevated.ready).rejects.toMatchObject({ reason: 'unsupported', advice: expect.stringContaining('sudo npx porthole list') });
  });

  it('a collector that fails before its first snapshot says why', async () => {
    const elevated = start({ elevator: fake("process.stderr.write('porthole: ss failed\\n'); process.exit(1)") });
    const error = await elevated.ready.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ElevationError);
    expect((error as ElevationError).message).toBe('The elevated collector exited with code 1 before sending a snapshot: porthole: ss failed');
  });

  it('counts and skips garbage lines, and still uses the valid ones', async () => {
    const snapshot = { type: 'snapshot', version: 1, takenAt: new Date().toISOString(), collector: 'linux-ss', elevated: true, warnings: [], sockets: [], processes: [], conflicts: [] };
    const lines = ['garbage', '{"type":"snapshot"}', '[1,2', JSON.stringify(snapshot)];
    const elevated = start({ transport: 'stdout', elevator: fake(`process.stdout.write(${JSON.stringify(lines.join('\n') + '\n')}); setInterval(() => {}, 1e6)`) });
    await elevated.ready;
    expect(elevated.stats()).toMatchObject({ goodLines: 1, badLines: 3 });
    expect((await elevated.collector.collect()).warnings).toContain('Ignored 3 unreadable line(s) from the elevated collector.');
  });

  it.runIf(posix)('refuses to elevate a collector that other users could replace', async () => {
    const open = path.join(tmpRoot, 'world-writable');
    mkdirSync(open);
    chmodSync(open, 0o777);
    const cli = path.join(open, 'porthole.cjs');
    copyFileSync(CLI, cli);
    const elevated = start({ cliPath: cli, checkTrust: true, elevator: envElevator });
    await expect(elevated.ready).rejects.toMatchObject({ reason: 'untrusted-path', message: expect.stringContaining(`${open} is writable by every user`) });
  });
});

// Once main/cli/args.ts accepts --output (see the report), the bundle itself is tested here.
const bundleHasOutput = spawnSync(process.execPath, [CLI, 'list', '--output', '/x.jsonl', '--help']).status === 0;
describe.runIf(posix && bundleHasOutput)('the bundled CLI with --output', () => {
  it('streams a spawned listener through the file', async () => {
    const l = await startListener('127.0.0.1');
    const elevated = start({ elevator: envElevator });
    await elevated.ready;
    await eventually(async () => ((await elevated.collector.collect({ port: l.port })).sockets.some((s) => s.pids.includes(l.pid)) ? true : undefined), 'the listener');
  });
});

function statMode(p: string): number {
  return statSync(p).mode & 0o777;
}
