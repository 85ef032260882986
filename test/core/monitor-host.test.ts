// MonitorHost runs the real monitor-worker (TypeScript, through tsx) against this machine's real
// sockets. Other tests may open and close sockets meanwhile, so every assertion is about sockets
// this file spawned, or about sockets that stayed put across the compared reads.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../main/core/engine.js';
import type { Snapshot, Socket } from '../../main/core/model.js';
import type { MonitorEvent } from '../../main/core/monitor.js';
import { MONITOR_NICE } from '../../main/core/worker/background-priority.js';
import { MonitorHost, resolveWorkerEntry, type MonitorHostOptions } from '../../main/core/worker/monitor-host.js';
import { cleanup, spawnHelper, waitFor } from './spawned.js';

let host: MonitorHost | undefined;

afterEach(async () => {
  await host?.close();
  host = undefined;
  await cleanup();
});

function startHost(options: MonitorHostOptions = {}): { host: MonitorHost; events: MonitorEvent[] } {
  const events: MonitorEvent[] = [];
  host = new MonitorHost({ intervalMs: 250, ...options });
  host.subscribe((e) => events.push(e));
  host.start();
  return { host, events };
}

const deltas = (events: MonitorEvent[]) => events.filter((e): e is Extract<MonitorEvent, { type: 'delta' }> => e.type === 'delta');

function listenerOf(snapshot: Snapshot | undefined, port: number, pid: number): Socket | undefined {
  return snapshot?.sockets.find((s) => s.localPort === port && s.state === 'LISTEN' && s.pids.includes(pid));
}

/** What a row shows: everything but object identity. */
function row(s: Socket) {
  return {
    key: s.key,
    protocol: s.protocol,
    family: s.family,
    local: `${s.localAddress}|${s.localPort}`,
    remote: `${s.remoteAddress}|${s.remotePort}`,
    state: s.state,
    inode: s.inode,
    uid: s.uid,
    v6Only: s.v6Only,
    pids: s.pids,
    owner: s.owner,
    hiddenReason: s.hiddenReason,
    service: s.service ? { name: s.service.name, source: s.service.source } : null,
  };
}

describe.skipIf(process.platform !== 'linux')('MonitorHost: the monitor in a worker thread', () => {
  it('loads the TypeScript worker entry when running from sources', () => {
    const entry = resolveWorkerEntry();
    expect(entry.typescript).toBe(true);
    expect(entry.url.pathname).toMatch(/main\/core\/worker\/monitor-worker\.ts$/);
    // A bundle finds monitor-worker.js beside itself.
    const bundled = resolveWorkerEntry('file:///opt/porthole/out/main/index.js');
    expect(bundled).toEqual({ url: new URL('file:///opt/porthole/out/main/monitor-worker.js'), typescript: false });
  });

  it('a spawned listener appears in a delta, and disappears when it is killed', async () => {
    const { host, events } = startHost();
    await waitFor(() => host.snapshot !== undefined, 20_000);
    expect(events[0]?.type).toBe('snapshot');

    const helper = await spawnHelper({ host: '127.0.0.1' });
    await waitFor(() => deltas(events).some((e) => e.delta.added.some((s) => s.localPort === helper.port && s.pids.includes(helper.pid))));
    const added = deltas(events)
      .flatMap((e) => e.delta.added)
      .find((s) => s.localPort === helper.port && s.state === 'LISTEN')!;
    expect(added).toMatchObject({ protocol: 'tcp', family: 4, localAddress: '127.0.0.1', owner: 'known', pids: [helper.pid] });
    expect(host.snapshot!.processes.get(helper.pid)?.name).toBe('node');
    expect(listenerOf(host.snapshot, helper.port!, helper.pid)).toBeDefined();

    helper.child.kill('SIGKILL');
    await helper.exited;
    await waitFor(() => deltas(events).some((e) => e.delta.removed.includes(added.key)));
    expect(listenerOf(host.snapshot, helper.port!, helper.pid)).toBeUndefined();
    expect(deltas(events).some((e) => e.delta.processesRemoved.includes(helper.pid))).toBe(true);

    // Sequence numbers only go up.
    const seqs = events.filter((e) => e.type !== 'error').map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it("looks one port up through the worker's engine, and everything through a fresh poll", async () => {
    const { host } = startHost();
    await waitFor(() => host.snapshot !== undefined, 30_000);
    const helper = await spawnHelper({ host: '127.0.0.1' });
    // Asked at once, before any poll has seen it: the lookup collects now.
    const view = await host.lookup({ port: helper.port! });
    expect(view.sockets.every((s) => s.localPort === helper.port)).toBe(true);
    expect(view.sockets.find((s) => s.state === 'LISTEN')).toMatchObject({ localAddress: '127.0.0.1', owner: 'known', pids: [helper.pid] });
    expect(view.processes?.get(helper.pid)?.name).toBe('node');

    const all = await host.lookup();
    expect(listenerOf(all as Snapshot, helper.port!, helper.pid)).toBeDefined();

    // With the worker gone, an engine on this thread answers.
    await host.close();
    const after = await host.lookup({ port: helper.port! });
    expect(after.sockets.find((s) => s.state === 'LISTEN')?.pids).toEqual([helper.pid]);
  });

  it.runIf(process.platform === 'linux')('polls from a thread below normal priority, and so do the commands it starts', async () => {
    const { host } = startHost();
    await waitFor(() => host.snapshot !== undefined, 30_000);
    const niceOf = (statPath: string) => {
      const stat = readFileSync(statPath, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]); // field 19: nice
    };
    const threads = readdirSync('/proc/self/task').map((tid) => ({ tid: Number(tid), nice: niceOf(`/proc/self/task/${tid}/stat`) }));
    // The test's own thread (the process's main thread) keeps its priority; one thread (the worker) is lowered.
    expect(threads.find((t) => t.tid === process.pid)?.nice).toBe(0);
    expect(threads.filter((t) => t.nice === MONITOR_NICE).length).toBeGreaterThanOrEqual(1);
    // The fork-server shell it started inherited the lower priority.
    const shells = readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map((pid) => {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          return { ppid: Number(fields[1]), comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), nice: Number(fields[16]) };
        } catch {
          return undefined;
        }
      })
      .filter((p) => p !== undefined && p.ppid === process.pid && p.comm === 'sh');
    expect(shells.length).toBeGreaterThan(0);
    for (const shell of shells) expect(shell!.nice).toBe(MONITOR_NICE);
  });

  it('pause stops the deltas; resume brings them back', async () => {
    const { host, events } = startHost();
    await waitFor(() => host.snapshot !== undefined, 20_000);
    host.pause();
    expect(host.isPaused).toBe(true);
    await new Promise((r) => setTimeout(r, 500)); // a poll already under way still reports
    const before = events.length;

    const helper = await spawnHelper({ host: '::1' });
    await new Promise((r) => setTimeout(r, 1500)); // six intervals
    expect(events.length).toBe(before);
    expect(listenerOf(host.snapshot, helper.port!, helper.pid)).toBeUndefined();

    host.resume();
    await waitFor(() => listenerOf(host.snapshot, helper.port!, helper.pid) !== undefined);
    expect(listenerOf(host.snapshot, helper.port!, helper.pid)).toMatchObject({ family: 6, localAddress: '::1' });
  });

  it("the host's mirror equals a direct Engine snapshot for sockets stable across both", async () => {
    const helpers = await Promise.all([
      spawnHelper({ host: '127.0.0.1' }),
      spawnHelper({ host: '::1' }),
      spawnHelper({ host: '127.0.0.1', udp: true }),
    ]);
    // Small parts: the snapshot crosses in many messages and is put back together.
    const { host } = startHost({ intervalMs: 60_000, chunkSize: 3 });
    await waitFor(() => host.snapshot !== undefined, 20_000);

    await host.pollNow();
    const first = host.snapshot!;
    const direct = await new Engine().snapshot();
    await host.pollNow();
    const second = host.snapshot!;

    // Stable: present in both host reads and unchanged between them (a delta keeps unchanged rows).
    const firstByKey = new Map(first.sockets.map((s) => [s.key, s]));
    const stable = second.sockets.filter((s) => firstByKey.get(s.key) === s);
    const directByKey = new Map(direct.sockets.map((s) => [s.key, s]));
    const compared = stable.filter((s) => directByKey.has(s.key));
    expect(compared.length).toBeGreaterThanOrEqual(helpers.length);
    for (const h of helpers) expect(compared.some((s) => s.localPort === h.port && s.pids.includes(h.pid))).toBe(true);

    expect(compared.map(row)).toEqual(compared.map((s) => row(directByKey.get(s.key)!)));
    for (const pid of new Set(compared.flatMap((s) => s.pids))) {
      expect(second.processes.get(pid)).toEqual(direct.processes.get(pid));
    }
    // And nothing is lost on the way: the mirror holds every socket the worker saw, once.
    expect(new Set(second.sockets.map((s) => s.key)).size).toBe(second.sockets.length);
  });

  it('a late subscriber gets the full snapshot first, then deltas', async () => {
    const { host } = startHost();
    await waitFor(() => host.snapshot !== undefined, 20_000);
    const late: MonitorEvent[] = [];
    host.subscribe((e) => late.push(e));
    expect(late).toHaveLength(1);
    expect(late[0]).toMatchObject({ type: 'snapshot' });
    expect(late[0]!.type === 'snapshot' && late[0]!.snapshot).toBe(host.snapshot);
    await waitFor(() => late.length >= 2);
    expect(late[1]!.type).toBe('delta');
  });

  it('restarts a crashed worker, reports it as an error, and carries on with deltas', async () => {
    const { host, events } = startHost({ restartDelayMs: 100 });
    await waitFor(() => host.snapshot !== undefined, 20_000);
    const firstThread = host.workerThreadId;
    host.crashWorkerForTest('boom');
    await waitFor(() => events.some((e) => e.type === 'error'));
    const error = events.find((e) => e.type === 'error')!;
    expect(error).toMatchObject({ type: 'error', retryInMs: 100 });
    expect(error.type === 'error' && error.message).toMatch(/boom/);

    const helper = await spawnHelper({ host: '127.0.0.1' });
    await waitFor(() => listenerOf(host.snapshot, helper.port!, helper.pid) !== undefined, 20_000);
    expect(host.restarts).toBe(1);
    expect(host.workerThreadId).not.toBe(firstThread);
    // Subscribers got one snapshot in all: the new worker's first one arrived as a delta.
    expect(events.filter((e) => e.type === 'snapshot')).toHaveLength(1);
  });
});

describe.skipIf(process.platform !== 'linux')('MonitorHost: "Show all owners" through the worker', () => {
  // The real elevated collector (startElevatedCollector, file transport, run by the real CLI code
  // through test/core/elevate/cli-driver.ts), started inside the worker; only the elevation wrapper
  // is the identity, so no prompt is needed.
  const DRIVER = path.resolve('test/core/elevate/cli-driver.ts');

  it('switches to the elevated collector, keeps showing our listener with its pid, and stops it', async () => {
    const tmpRoot = mkdtempSync(path.join(os.tmpdir(), 'porthole-host-elevate-'));
    try {
      const child = await spawnHelper({ host: '127.0.0.1' });
      const { host } = startHost();
      await waitFor(() => host.snapshot !== undefined, 15_000);
      const outcome = await host.setElevation(true, {
        cliPath: DRIVER,
        nodePath: process.execPath,
        intervalMs: 500,
        checkTrust: false,
        tmpRoot,
        unelevated: { nodeArgs: ['--import', 'tsx'] },
      });
      expect(outcome).toMatchObject({ ok: true, state: 'on' });
      expect(host.elevation).toBe('on');
      expect(readdirSync(tmpRoot).filter((n) => n.startsWith('porthole-elevated-'))).toHaveLength(1);
      await waitFor(() => listenerOf(host.snapshot, child.port!, child.pid) !== undefined, 15_000);
      expect(host.snapshot?.processes.get(child.pid)).toBeDefined();

      expect(await host.setElevation(false)).toMatchObject({ ok: true, state: 'off' });
      expect(readdirSync(tmpRoot).filter((n) => n.startsWith('porthole-elevated-'))).toEqual([]);
      await host.pollNow();
      expect(listenerOf(host.snapshot, child.port!, child.pid)).toBeDefined();
    } finally {
      rmSync(tmpRoot, { recursive: true, force: true });
    }
  }, 40_000);

  it('reports a collector that cannot start, and keeps the normal one', async () => {
    const { host } = startHost();
    await waitFor(() => host.snapshot !== undefined, 15_000);
    const outcome = await host.setElevation(true, { cliPath: '/nonexistent/porthole.cjs', nodePath: process.execPath, checkTrust: false, unelevated: { nodeArgs: [] } });
    expect(outcome.ok).toBe(false);
    expect(outcome.state).toBe('failed');
    expect(outcome.message).toMatch(/exited|collector/i);
    const before = host.snapshot?.takenAt ?? 0;
    await host.pollNow();
    expect(host.snapshot?.takenAt ?? 0).toBeGreaterThanOrEqual(before);
  }, 30_000);
});
