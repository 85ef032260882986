// The engine against this OS's real kernel and tools: ss + /proc on Linux, lsof + ps on macOS,
// netstat + CIM on Windows. CI runs this file on all three; it is the only place the macOS and
// Windows collectors meet real sockets, so every check here names what it proves.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../main/core/engine.js';
import { descendantsOf } from '../../main/core/identity.js';
import { executeKill, planKill } from '../../main/core/kill.js';
import { parseLaunchctlList } from '../../main/core/supervision-launchd.js';
import type { Snapshot, Socket } from '../../main/core/model.js';
import { BindRefused, eventually, programName, startListener, stopAll, type Listener } from './listener.js';

afterEach(stopAll);

const engine = new Engine();
const nodeName = programName(path.basename(process.execPath));

function listenersOf(snapshot: Snapshot, port: number, protocol: 'tcp' | 'udp' = 'tcp'): Socket[] {
  return snapshot.sockets.filter((s) => s.protocol === protocol && s.localPort === port && s.remoteAddress === null && s.state !== 'TIME_WAIT');
}

/** Polls full snapshots until `accept` finds something: a busy CI runner may lag a moment. */
function snapshotUntil<T>(accept: (s: Snapshot) => T | undefined, what: string): Promise<T> {
  return eventually(async () => accept(await engine.snapshot()), what);
}

let ipv6Loopback = false;
beforeAll(async () => {
  ipv6Loopback = await new Promise<boolean>((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(0, '::1', () => probe.close(() => resolve(true)));
  });
});

describe(`real sockets on ${process.platform}`, () => {
  it('finds a spawned TCP listener with its pid, program name and command line', async () => {
    const l = await startListener('127.0.0.1');
    const socket = await snapshotUntil((s) => listenersOf(s, l.port).find((x) => x.pids.includes(l.pid)) && s, `:${l.port} owned by pid ${l.pid}`);
    const found = listenersOf(socket, l.port);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ protocol: 'tcp', family: 4, localAddress: '127.0.0.1', state: 'LISTEN', owner: 'known', pids: [l.pid] });
    const owner = socket.processes.get(l.pid);
    expect(owner, 'the owner has process details').toBeDefined();
    expect(programName(owner!.name)).toBe(nodeName);
    expect(owner!.command, 'the full command line, not a truncated name').toContain(l.marker);
    if (owner!.ppid !== null) expect(owner!.ppid).toBe(process.pid);
  });

  it('finds a spawned UDP socket with its pid', async () => {
    const l = await startListener('127.0.0.1', { udp: true });
    const snap = await snapshotUntil((s) => listenersOf(s, l.port, 'udp').find((x) => x.pids.includes(l.pid)) && s, `udp :${l.port}`);
    expect(listenersOf(snap, l.port, 'udp')[0]).toMatchObject({ protocol: 'udp', localAddress: '127.0.0.1', pids: [l.pid] });
  });

  it('flags 127.0.0.1:P and ::1:P held by two different processes ("localhost" splits)', async (ctx) => {
    if (!ipv6Loopback) return ctx.skip('no IPv6 loopback on this machine');
    const v4 = await startListener('127.0.0.1');
    // Different address families never collide in bind(): every OS allows this pair.
    const v6 = await startListener('::1', { port: v4.port });
    const conflict = await snapshotUntil(
      (s) => s.conflicts.find((c) => c.port === v4.port && c.kind === 'dual-stack-split'),
      `a dual-stack-split conflict on :${v4.port}`,
    );
    expect(conflict.pids).toEqual([v4.pid, v6.pid].sort((a, b) => a - b));
    expect(conflict.severity).toBe('warning');
    expect(conflict.reason).toContain(`localhost:${v4.port}`);
  });

  it('flags 0.0.0.0:P against 127.0.0.1:P where the OS lets both bind', async () => {
    // Node sets SO_REUSEADDR on POSIX listeners, and SO_REUSEADDR means different things:
    //  - Linux refuses a specific address while another socket LISTENs on the wildcard, even with
    //    SO_REUSEADDR on both (EADDRINUSE), so there the overlap cannot arise between two listeners;
    //  - macOS (BSD rules) lets a more specific address bind beside the wildcard when the second
    //    socket has SO_REUSEADDR (and both belong to the same user), so the overlap is real;
    //  - Windows (libuv sets no SO_REUSEADDR there) lets a specific bind beside a wildcard held by
    //    the same user, unless the first used SO_EXCLUSIVEADDRUSE (then WSAEACCES).
    // Whatever the OS decides, a pair that did bind must be flagged.
    const wide = await startListener('0.0.0.0');
    let narrow: Listener;
    try {
      narrow = await startListener('127.0.0.1', { port: wide.port });
    } catch (error) {
      expect(error).toBeInstanceOf(BindRefused);
      expect(['EADDRINUSE', 'EACCES']).toContain((error as BindRefused).code);
      expect(process.platform, 'macOS is expected to allow this pair').not.toBe('darwin');
      return;
    }
    expect(process.platform, 'Linux refuses this pair').not.toBe('linux');
    const conflict = await snapshotUntil(
      (s) => s.conflicts.find((c) => c.port === wide.port && c.kind === 'address-overlap'),
      `an address-overlap conflict on :${wide.port}`,
    );
    expect(conflict.pids).toEqual([wide.pid, narrow.pid].sort((a, b) => a - b));
    expect(conflict.reason).toContain('127.0.0.1');
  });

  it('planKill + executeKill stop the listener and prove its port is free', async () => {
    const l = await startListener('127.0.0.1');
    await snapshotUntil((s) => listenersOf(s, l.port).find((x) => x.pids.includes(l.pid)), `:${l.port} before the kill`);
    const plan = await planKill({ port: l.port });
    expect(plan.refusals).toEqual([]);
    expect(plan.candidates.map((c) => c.pid)).toEqual([l.pid]);
    // Windows: this listener shares the test's own console (its stderr is inherited), so no Ctrl+C
    // may go there (it would reach this test too), nor a close request that could close that shared
    // console; --force (taskkill /F) is what the CLI would advise. windows-ctrl-c.test.ts covers the Ctrl+C.
    const force = process.platform === 'win32';
    const report = await executeKill(plan, { force, graceMs: force ? 1000 : 5000 });
    expect(report.results.map((r) => [r.pid, r.outcome])).toEqual([[l.pid, 'exited']]);
    expect(report.portFree).toBe(true);
    expect(report.ok).toBe(true);
    await l.exited;
    const after = await engine.snapshot({ port: l.port });
    expect(listenersOf(after, l.port).filter((s) => s.state === 'LISTEN')).toEqual([]);
  });

  it('names node --watch as what would start a server again, through this OS\'s process table', async () => {
    const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'porthole-os-watch-')));
    writeFileSync(path.join(dir, 'server.js'), "const s = require('net').createServer().listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: s.address().port, pid: process.pid })));");
    const watcher = spawn(process.execPath, ['--watch', 'server.js'], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'], windowsHide: true });
    try {
      const server = await new Promise<{ port: number; pid: number }>((resolve, reject) => {
        let buf = '';
        watcher.stdout.on('data', (d: Buffer) => {
          buf += d.toString();
          const line = buf.split('\n').find((l) => l.startsWith('{'));
          if (line) resolve(JSON.parse(line) as { port: number; pid: number });
        });
        watcher.once('exit', (code) => reject(new Error(`node --watch exited (${code})`)));
      });
      await snapshotUntil((s) => listenersOf(s, server.port).find((x) => x.pids.includes(server.pid)), `:${server.port} held by the watched server`);
      const plan = await planKill({ port: server.port });
      expect(plan.candidates.map((c) => c.pid)).toEqual([server.pid]);
      expect(plan.supervision).toMatchObject([{ kind: 'watcher', by: `node --watch (pid ${watcher.pid})`, stop: `porthole kill pid:${watcher.pid} --tree` }]);
    } finally {
      // Both processes were started here: the watcher and the server it runs.
      if (process.platform === 'win32') spawnSync('taskkill', ['/pid', String(watcher.pid), '/T', '/F']);
      else {
        for (const pid of (await descendantsOf(watcher.pid!)).reverse()) process.kill(pid, 'SIGKILL');
        watcher.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    }
  });

  // Planning only: a plan is a read, and these are never executed.
  it.runIf(process.platform === 'win32')("refuses Windows' own processes: System (pid 4) and lsass.exe", async () => {
    const system = await planKill({ pid: 4 });
    expect(system.candidates).toEqual([]);
    expect(system.refusals).toMatchObject([{ pid: 4, reason: 'os-critical', message: expect.stringContaining('netsh http show servicestate') }]);
    const csv = execFileSync('tasklist', ['/fi', 'IMAGENAME eq lsass.exe', '/fo', 'csv', '/nh'], { encoding: 'utf8' });
    const lsass = Number(/^"lsass\.exe","(\d+)"/im.exec(csv)?.[1]);
    expect(lsass, `tasklist names lsass.exe: ${csv}`).toBeGreaterThan(4);
    const plan = await planKill({ pid: lsass });
    expect(plan.candidates).toEqual([]);
    expect(plan.refusals).toMatchObject([{ pid: lsass, reason: 'os-critical' }]);
  });

  it.runIf(process.platform === 'darwin')('names the launchd job that would start a server again, and its advice stops it for good', async (ctx) => {
    const jobs = parseLaunchctlList(execFileSync('launchctl', ['list'], { encoding: 'utf8' }));
    expect(jobs.length, 'the real launchctl list parses').toBeGreaterThan(0);
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: chosen } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(chosen));
      });
    });
    const label = `dev.porthole.test.${process.pid}`;
    // A KeepAlive job: launchd starts it again whenever it exits, like a `brew services` server.
    const submitted = spawnSync('launchctl', ['submit', '-l', label, '--', process.execPath, '-e', `require('net').createServer().listen(${port}, '127.0.0.1')`], { encoding: 'utf8' });
    if (submitted.status !== 0) return ctx.skip(`launchctl submit is not available here: ${submitted.stderr.trim()}`);
    try {
      await snapshotUntil((s) => listenersOf(s, port).find((x) => x.pids.length > 0), `:${port} held by the launchd job`);
      const plan = await planKill({ port });
      expect(plan.supervision).toMatchObject([{ kind: 'service-manager', by: `the launchd job ${label}`, restarts: 'policy', stop: `launchctl remove ${label}` }]);
      execFileSync('/bin/sh', ['-c', plan.supervision[0]!.stop]);
      await eventually(async () => (listenersOf(await engine.snapshot({ port }), port).length === 0 ? true : undefined), `:${port} free after ${plan.supervision[0]!.stop}`);
    } finally {
      spawnSync('launchctl', ['remove', label]);
    }
  });

  it.runIf(process.platform === 'darwin')("refuses macOS's WindowServer, where a login session runs one", async (ctx) => {
    const found = spawnSync('pgrep', ['-x', 'WindowServer'], { encoding: 'utf8' }).stdout.trim().split('\n')[0];
    if (!found) return ctx.skip('no WindowServer on this runner');
    const pid = Number(found);
    const plan = await planKill({ pid });
    expect(plan.candidates).toEqual([]);
    expect(plan.refusals).toMatchObject([{ pid, reason: 'os-critical', message: expect.stringContaining('logs you out') }]);
  });
});
