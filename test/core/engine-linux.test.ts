// The Linux engine against the real machine: real sockets in real child processes, and what
// `new Engine().snapshot()` says about them, checked against what the test knows it created and
// against `ss -tunap` as an independent witness.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LinuxCollector } from '../../main/core/collect/linux.js';
import { describeProtected, resolveOwner } from '../../main/core/collect/linux-owners.js';
import { runCommand } from '../../main/core/collect/run.js';
import type { ParsedSocket } from '../../main/core/collect/parse/types.js';
import { parseSsProcesses } from '../../main/core/collect/parse/ss-processes.js';
import { Engine } from '../../main/core/engine.js';
import { socketKey, type Snapshot, type Socket } from '../../main/core/model.js';
import { trialBind } from '../../main/core/trial-bind.js';
import { userName } from '../../main/core/users.js';
import { LONG_NAME, longNamedNode, spawnLab, type Lab } from './socket-lab.js';
import { adopt, cleanup, spawnScript, waitFor } from './spawned.js';

const linux = process.platform === 'linux';
const root = process.getuid?.() === 0;
const repo = fileURLToPath(new URL('../../', import.meta.url));

let tmp: string;
let longName: string;

beforeAll(() => {
  if (!linux) return;
  tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'porthole-engine-')));
  chmodSync(tmp, 0o755);
  longName = longNamedNode(tmp);
});

afterEach(cleanup);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function find(snap: Snapshot, match: Partial<Socket>): Socket {
  const hits = snap.sockets.filter((s) => Object.entries(match).every(([k, v]) => s[k as keyof Socket] === v));
  expect(hits, `${JSON.stringify(match)} in ${JSON.stringify(snap.sockets.filter((s) => s.localPort === match.localPort))}`).toHaveLength(1);
  return hits[0]!;
}

/** Polls fresh engines until `check` passes on a snapshot (sockets change state on their own time). */
async function snapshotWhere(check: (snap: Snapshot) => boolean, options: { port?: number } = {}): Promise<Snapshot> {
  let last: Snapshot | undefined;
  await waitFor(async () => {
    last = await new Engine().snapshot(options);
    return check(last);
  }, 20_000);
  return last!;
}

const me = os.userInfo();

function expectOwnerDetails(snap: Snapshot, lab: Lab, cwd: string): void {
  const info = snap.processes.get(lab.pid);
  expect(info).toBeDefined();
  expect(info).toMatchObject({
    pid: lab.pid,
    name: path.basename(process.execPath),
    exe: realpathSync(process.execPath),
    argv: lab.argv,
    command: lab.argv.join(' '),
    cwd,
    user: me.username,
    uid: me.uid,
    ppid: process.pid,
  });
  // /proc gives start time in clock ticks after boot, and boot time in whole seconds: it may read
  // up to a second early, never late.
  expect(info!.startTime).toBeGreaterThanOrEqual(lab.spawnedAt.before - 2_000);
  expect(info!.startTime).toBeLessThanOrEqual(lab.spawnedAt.after + 1_000);
}

describe.runIf(linux)('Engine on Linux: sockets and their owners', () => {
  it('reports a TCP listener on 127.0.0.1 with its owner: pid, name, argv, cwd, user, start time, parent', async () => {
    const cwd = realpathSync(mkdtempSync(path.join(tmp, 'cwd-')));
    const lab = await spawnLab({ cwd, args: ['role=tcp4-listener', 'with spaces'] });
    const { port } = await lab.tcpListen('srv', '127.0.0.1');
    const snap = await new Engine().snapshot({ port });

    expect(snap.collector).toBe('linux-ss');
    expect(snap.elevated).toBe(root);
    expect(snap.sockets.every((s) => s.localPort === port)).toBe(true);
    const s = find(snap, { protocol: 'tcp', localAddress: '127.0.0.1', localPort: port });
    expect(s).toMatchObject({
      family: 4,
      localAddress: '127.0.0.1',
      remoteAddress: null,
      remotePort: null,
      state: 'LISTEN',
      uid: me.uid,
      v6Only: null,
      owner: 'known',
      pids: [lab.pid],
    });
    expect(s.inode).toBeGreaterThan(0);
    expect(s.hiddenReason).toBeUndefined();
    expect(s.key).toBe(socketKey(s));
    // The inode is the one in the owner's fd table.
    expect(holdsInode(lab.pid, s.inode!)).toBe(true);
    expectOwnerDetails(snap, lab, cwd);
  });

  it('reports a TCP listener on ::1 (v6only, as the kernel sets it for a specific address)', async () => {
    const cwd = realpathSync(mkdtempSync(path.join(tmp, 'cwd-')));
    const lab = await spawnLab({ cwd });
    const { port } = await lab.tcpListen('srv', '::1');
    const snap = await new Engine().snapshot({ port });
    expect(find(snap, { protocol: 'tcp', localAddress: '::1', localPort: port })).toMatchObject({
      family: 6,
      localAddress: '::1',
      remoteAddress: null,
      state: 'LISTEN',
      v6Only: true,
      owner: 'known',
      pids: [lab.pid],
    });
    expectOwnerDetails(snap, lab, cwd);
  });

  it('reports both ends of established connections, each with its own owner', async () => {
    const server = await spawnLab();
    const client = await spawnLab();
    const v4 = await server.tcpListen('v4', '127.0.0.1');
    const v6 = await server.tcpListen('v6', '::1');
    const c4 = await client.tcpConnect('c4', '127.0.0.1', v4.port);
    const c6 = await client.tcpConnect('c6', '::1', v6.port);
    await server.op('accepted', { count: 2 });
    const snap = await new Engine().snapshot();

    expect(find(snap, { protocol: 'tcp', localAddress: '127.0.0.1', localPort: v4.port, remotePort: c4.port })).toMatchObject({
      family: 4,
      localAddress: '127.0.0.1',
      remoteAddress: '127.0.0.1',
      state: 'ESTABLISHED',
      pids: [server.pid],
      owner: 'known',
    });
    expect(find(snap, { protocol: 'tcp', localAddress: '127.0.0.1', localPort: c4.port, remotePort: v4.port })).toMatchObject({
      state: 'ESTABLISHED',
      remoteAddress: '127.0.0.1',
      pids: [client.pid],
    });
    expect(find(snap, { protocol: 'tcp', localAddress: '::1', localPort: v6.port, remotePort: c6.port })).toMatchObject({
      family: 6,
      localAddress: '::1',
      remoteAddress: '::1',
      pids: [server.pid],
    });
    expect(find(snap, { protocol: 'tcp', localAddress: '::1', localPort: c6.port, remotePort: v6.port })).toMatchObject({ family: 6, pids: [client.pid] });
    expect(find(snap, { protocol: 'tcp', localAddress: '127.0.0.1', localPort: v4.port, state: 'LISTEN' }).pids).toEqual([server.pid]);
    expect(snap.processes.get(client.pid)?.ppid).toBe(process.pid);
  });

  it('reports UDP sockets: unconnected (no peer) and connected (with its peer), IPv4 and IPv6', async () => {
    const a = await spawnLab();
    const b = await spawnLab();
    const u4 = await a.udpBind('u4', 'udp4', '127.0.0.1');
    const u6 = await a.udpBind('u6', 'udp6', '::1');
    const c4 = (await b.op('udp-connect', { name: 'c4', type: 'udp4', host: '127.0.0.1', peerHost: '127.0.0.1', peerPort: u4.port })) as { port: number };
    const c6 = (await b.op('udp-connect', { name: 'c6', type: 'udp6', host: '::1', peerHost: '::1', peerPort: u6.port })) as { port: number };
    const snap = await new Engine().snapshot();

    expect(find(snap, { protocol: 'udp', localAddress: '127.0.0.1', localPort: u4.port })).toMatchObject({
      family: 4,
      localAddress: '127.0.0.1',
      remoteAddress: null,
      remotePort: null,
      state: 'UNCONN',
      pids: [a.pid],
    });
    expect(find(snap, { protocol: 'udp', localAddress: '::1', localPort: u6.port })).toMatchObject({ family: 6, localAddress: '::1', state: 'UNCONN', remoteAddress: null, pids: [a.pid] });
    expect(find(snap, { protocol: 'udp', localAddress: '127.0.0.1', localPort: c4.port })).toMatchObject({
      localAddress: '127.0.0.1',
      state: 'ESTABLISHED',
      remoteAddress: '127.0.0.1',
      remotePort: u4.port,
      pids: [b.pid],
    });
    expect(find(snap, { protocol: 'udp', localAddress: '::1', localPort: c6.port })).toMatchObject({ family: 6, state: 'ESTABLISHED', remoteAddress: '::1', remotePort: u6.port, pids: [b.pid] });
  });

  it('reports a UDP socket that never called bind(): the kernel bound it when it sent', async () => {
    // A UDP socket that has only been created is in no kernel table (ss and /proc/net do not list
    // it). Sending binds it to the wildcard and an ephemeral port, and from then on it is listed.
    const a = await spawnLab();
    const target = await a.udpBind('target', 'udp4', '127.0.0.1');
    const sender = (await a.op('udp-send', { name: 'sender', type: 'udp4', peerHost: '127.0.0.1', peerPort: target.port })) as { port: number; address: string };
    expect(sender.address).toBe('0.0.0.0');
    const snap = await new Engine().snapshot({ port: sender.port });
    expect(find(snap, { protocol: 'udp', localAddress: '0.0.0.0', localPort: sender.port })).toMatchObject({
      localAddress: '0.0.0.0',
      state: 'UNCONN',
      remoteAddress: null,
      owner: 'known',
      pids: [a.pid],
    });
  });

  it('lists every process holding a listener handed to forked workers', async () => {
    const primary = await spawnLab();
    const { port } = await primary.tcpListen('srv', '127.0.0.1');
    const { pids: workers } = (await primary.op('share', { name: 'srv', workers: 2 })) as { pids: number[] };
    for (const pid of workers) await adopt(pid);
    const all = [primary.pid, ...workers].sort((x, y) => x - y);

    const snap = await new Engine().snapshot({ port });
    const listener = find(snap, { protocol: 'tcp', localAddress: '127.0.0.1', localPort: port, state: 'LISTEN' });
    expect(listener).toMatchObject({ owner: 'known', pids: all });
    for (const pid of workers) expect(snap.processes.get(pid)).toMatchObject({ name: path.basename(process.execPath), ppid: primary.pid });
    const shared = snap.conflicts.filter((c) => c.kind === 'shared-socket');
    expect(shared).toMatchObject([{ protocol: 'tcp', port, pids: all, severity: 'info', socketKeys: [listener.key] }]);
    expect(shared[0]!.reason).toContain('3 processes');
  });

  it('names a process by its full name, not the 15-character comm', async () => {
    const lab = await spawnLab({ execPath: longName });
    const { port } = await lab.tcpListen('srv', '127.0.0.1');
    expect(readFileSync(`/proc/${lab.pid}/comm`, 'utf8').trim()).toBe('porthole-test-s');
    const snap = await new Engine().snapshot({ port });
    expect(find(snap, { protocol: 'tcp', localAddress: '127.0.0.1', localPort: port, state: 'LISTEN' }).pids).toEqual([lab.pid]);
    expect(snap.processes.get(lab.pid)).toMatchObject({
      name: LONG_NAME,
      exe: longName,
      argv: [longName, ...lab.argv.slice(1)],
    });
  });

  it('reads the command line of a process that rewrote its title (NUL-padded, as setproctitle leaves it)', async () => {
    const lab = await spawnLab({ args: ['some', 'arguments', 'that', 'leave', 'room'] });
    const { port } = await lab.tcpListen('srv', '127.0.0.1');
    await lab.op('title', { title: 'porthole-titled worker' });
    expect(readFileSync(`/proc/${lab.pid}/cmdline`, 'utf8')).toMatch(/^porthole-titled worker\0\0+$/);
    const snap = await new Engine().snapshot({ port });
    expect(snap.processes.get(lab.pid)).toMatchObject({
      // comm is the title cut to 15 characters; the full one is argv[0].
      name: 'porthole-titled worker',
      argv: ['porthole-titled worker'],
      command: 'porthole-titled worker',
      exe: realpathSync(process.execPath),
    });
  });

  it('reports a TIME_WAIT socket as owned by no process (not hidden)', async () => {
    const server = await spawnLab();
    const client = await spawnLab();
    const { port } = await server.tcpListen('srv', '127.0.0.1', { closeOnEnd: true });
    const c = await client.tcpConnect('c', '127.0.0.1', port);
    // The side that closes first keeps the TIME_WAIT.
    await client.op('tcp-end', { name: 'c' });
    const mine = { protocol: 'tcp', localAddress: '127.0.0.1', localPort: c.port, remotePort: port } as const;
    const snap = await snapshotWhere((s) => s.sockets.some((x) => x.localPort === c.port && x.remotePort === port && x.state === 'TIME_WAIT'), { port: c.port });
    const tw = find(snap, { ...mine, state: 'TIME_WAIT' });
    expect(tw).toMatchObject({ remoteAddress: '127.0.0.1', remotePort: port, inode: null, owner: 'none', pids: [] });
    expect(tw.hiddenReason).toBeUndefined();
  });
});

describe.runIf(linux)('Engine on Linux: conflicts between real processes', () => {
  it("flags 127.0.0.1:P and ::1:P held by different processes as a dual-stack split naming both", async () => {
    let a: Lab | undefined;
    let b: Lab | undefined;
    let port = 0;
    // The OS picks P for ::1; the same number may already be taken on 127.0.0.1 by someone else.
    for (let attempt = 0; attempt < 10 && !b; attempt++) {
      a = await spawnLab();
      port = (await a.tcpListen('v6', '::1')).port;
      const candidate = await spawnLab();
      try {
        await candidate.tcpListen('v4', '127.0.0.1', { port });
        b = candidate;
      } catch (error) {
        expect(String(error)).toContain('EADDRINUSE');
        await cleanup();
      }
    }
    expect(b).toBeDefined();
    const snap = await new Engine().snapshot({ port });
    const v4 = find(snap, { protocol: 'tcp', localAddress: '127.0.0.1', localPort: port, state: 'LISTEN' });
    const v6 = find(snap, { protocol: 'tcp', localAddress: '::1', localPort: port, state: 'LISTEN' });
    expect([v4.pids, v6.pids]).toEqual([[b!.pid], [a!.pid]]);
    const split = snap.conflicts.filter((c) => c.kind === 'dual-stack-split');
    expect(split).toHaveLength(1);
    expect(split[0]).toMatchObject({ protocol: 'tcp', port, pids: [a!.pid, b!.pid].sort((x, y) => x - y), severity: 'warning' });
    expect(split[0]!.socketKeys).toEqual([v4.key, v6.key].sort());
    expect(split[0]!.reason).toContain(`pid ${a!.pid}`);
    expect(split[0]!.reason).toContain(`pid ${b!.pid}`);
  });

  it('flags two different programs on the same UDP address (SO_REUSEADDR) as an address overlap', async () => {
    const a = await spawnLab();
    const b = await spawnLab({ execPath: longName });
    const { port } = await a.udpBind('u', 'udp4', '127.0.0.1', { reuseAddr: true });
    await b.udpBind('u', 'udp4', '127.0.0.1', { reuseAddr: true, port });
    const snap = await new Engine().snapshot({ port });
    const held = snap.sockets.filter((s) => s.protocol === 'udp' && s.localAddress === '127.0.0.1' && s.localPort === port);
    expect(held.map((s) => s.pids)).toEqual(expect.arrayContaining([[a.pid], [b.pid]]));
    const overlap = snap.conflicts.filter((c) => c.kind === 'address-overlap');
    expect(overlap).toMatchObject([{ protocol: 'udp', port, pids: [a.pid, b.pid].sort((x, y) => x - y), severity: 'warning' }]);
    expect(overlap[0]!.reason).toContain('porthole-test-server-with-a-very-long-name');
  });

  it('0.0.0.0:P next to a TCP listener on 127.0.0.1:P: the kernel refuses it, so there is no overlap to flag', async () => {
    // Linux refuses this bind whatever SO_REUSEADDR says, because the other socket is listening
    // (UDP with SO_REUSEADDR on both would be allowed, but tests bind nothing but loopback). So the
    // TCP form of 'address-overlap' cannot arise here; what `porthole why` builds on instead is the
    // refused bind and the holder the engine names.
    const a = await spawnLab();
    const { port } = await a.tcpListen('srv', '127.0.0.1');
    expect(await trialBind({ protocol: 'tcp', address: '0.0.0.0', port })).toMatchObject({ ok: false, code: 'EADDRINUSE' });
    const snap = await new Engine().snapshot({ port });
    expect(find(snap, { protocol: 'tcp', localAddress: '127.0.0.1', localPort: port, state: 'LISTEN' }).pids).toEqual([a.pid]);
    expect(snap.conflicts.filter((c) => c.kind === 'address-overlap')).toEqual([]);
  });
});

describe.runIf(linux && root)('Engine on Linux: collecting as an unprivileged user', () => {
  it("shows root's sockets as hidden, with the user and a hint to use sudo; its own as known", async () => {
    const owner = await spawnLab();
    const tcp = await owner.tcpListen('srv', '127.0.0.1');
    const udp = await owner.udpBind('u', 'udp6', '::1');

    const script = path.join(tmp, 'collect-as-nobody.mts');
    writeFileSync(
      script,
      `import net from 'node:net';
import { Engine } from ${JSON.stringify(path.join(repo, 'main/core/engine.ts'))};
const mine = net.createServer();
await new Promise((r) => mine.listen(0, '127.0.0.1', r));
const engine = new Engine();
const out = { uid: process.getuid(), mine: mine.address().port, snapshots: [] };
for (const port of [...process.argv.slice(2).map(Number), mine.address().port]) out.snapshots.push(await engine.snapshot({ port }));
process.stdout.write(JSON.stringify(out, (k, v) => (v instanceof Map ? [...v.values()] : v)) + '\\n');
mine.close();
`,
    );
    chmodSync(script, 0o644);
    const nobody = await spawnScript('', {
      // tsx's loader in this very process (its CLI would run the script in a child of its own).
      argv: ['--import', pathToFileURL(path.join(repo, 'node_modules/tsx/dist/loader.mjs')).href, script, String(tcp.port), String(udp.port)],
      uid: 65534,
      gid: 65534,
      cwd: tmp,
      env: { PATH: process.env.PATH, HOME: tmp },
    });
    const out = nobody.info as { uid: number; mine: number; snapshots: Array<Snapshot & { processes: unknown[] }> };
    expect(out.uid).toBe(65534);
    const [tcpSnap, udpSnap, mineSnap] = out.snapshots;

    for (const [snap, protocol, localAddress, port] of [
      [tcpSnap!, 'tcp', '127.0.0.1', tcp.port],
      [udpSnap!, 'udp', '::1', udp.port],
    ] as const) {
      expect(snap.elevated).toBe(false);
      const s = find(snap, { protocol, localAddress, localPort: port });
      expect(s).toMatchObject({ owner: 'hidden', pids: [], uid: 0 });
      expect(s.hiddenReason).toMatch(/user root/);
      expect(s.hiddenReason).toMatch(/sudo porthole/);
      expect(snap.processes).toEqual([]);
      expect(snap.issues.warnings.join('\n')).toMatch(/other users.*sudo porthole/s);
    }
    // Its own socket it can see, with itself as the owner.
    const own = find(mineSnap!, { protocol: 'tcp', localAddress: '127.0.0.1', localPort: out.mine, state: 'LISTEN' });
    expect(own).toMatchObject({ owner: 'known', pids: [nobody.pid], uid: 65534 });
  });
});

describe.runIf(linux)('Engine on Linux agrees with ss -tunap', () => {
  it('reports every socket ss reports, with the same pids, and nothing ss does not know', async () => {
    // Something of every kind, so the comparison is not only about strangers' sockets.
    const a = await spawnLab();
    const b = await spawnLab({ execPath: longName });
    const l4 = await a.tcpListen('l4', '127.0.0.1');
    const l6 = await a.tcpListen('l6', '::1');
    await b.tcpConnect('c4', '127.0.0.1', l4.port);
    await b.tcpConnect('c6', '::1', l6.port);
    await a.op('accepted', { count: 2 });
    const u = await a.udpBind('u', 'udp4', '127.0.0.1');
    await b.op('udp-connect', { name: 'uc', type: 'udp4', peerHost: '127.0.0.1', peerPort: u.port });
    const shared = await b.tcpListen('shared', '127.0.0.1');
    for (const pid of ((await b.op('share', { name: 'shared', workers: 2 })) as { pids: number[] }).pids) await adopt(pid);

    const engine = new Engine();
    const before = await engine.snapshot();
    const ss = parseSsProcesses((await runCommand('ss', ['-tunapH'])).stdout);
    const after = await engine.snapshot();
    expect(ss.skipped).toBe(0);

    // Sockets are matched by protocol and both endpoints (ss -p prints no inode). A socket that
    // is in both engine snapshots with the same owners existed, with those owners, while ss ran.
    const endpoints = (s: { protocol: string; localAddress: string; localPort: number; remoteAddress: string | null; remotePort: number | null }) =>
      `${s.protocol} ${s.localAddress} ${s.localPort} ${s.remoteAddress} ${s.remotePort}`;
    const pidsBy = (sockets: Array<Parameters<typeof endpoints>[0] & { pids: number[] }>) => {
      const map = new Map<string, Set<number>>();
      for (const s of sockets) {
        const set = map.get(endpoints(s)) ?? new Set<number>();
        for (const pid of s.pids) set.add(pid);
        map.set(endpoints(s), set);
      }
      return new Map([...map].map(([k, v]) => [k, [...v].sort((x, y) => x - y).join(',')]));
    };
    const e1 = pidsBy(before.sockets);
    const e2 = pidsBy(after.sockets);
    const fromSs = pidsBy(ss.sockets);
    const stable = [...e1.keys()].filter((k) => e2.has(k) && e2.get(k) === e1.get(k));

    const invented = stable.filter((k) => !fromSs.has(k));
    const disagree = stable.filter((k) => fromSs.has(k) && fromSs.get(k) !== e1.get(k)).map((k) => `${k}: engine [${e1.get(k)}], ss [${fromSs.get(k)}]`);
    expect(invented).toEqual([]);
    expect(disagree).toEqual([]);
    // What ss lists and both engine snapshots missed must have lived only between them: other
    // tests' short connections may, ours may not.
    const ourPorts = new Set([l4.port, l6.port, u.port, shared.port]);
    const ours = (k: string) => {
      const [, , lp, , rp] = k.split(' ');
      return ourPorts.has(Number(lp)) || ourPorts.has(Number(rp));
    };
    const missed = [...fromSs.keys()].filter((k) => !e1.has(k) && !e2.has(k));
    expect(missed.filter(ours)).toEqual([]);

    // Our own sockets are in all three, with the same owners.
    // Listener, two accepted and two client ends, the UDP pair, the shared listener.
    expect(stable.filter(ours).length).toBeGreaterThanOrEqual(9);
    const sharedKey = `tcp 127.0.0.1 ${shared.port} null null`;
    expect(fromSs.get(sharedKey)!.split(',')).toHaveLength(3);
    expect(e1.get(sharedKey)).toBe(fromSs.get(sharedKey));
  });
});

const myComm = () => readFileSync('/proc/self/comm', 'utf8').trim();

/** Whether pid has an fd that is this socket inode, read straight from /proc as a cross-check. */
function holdsInode(pid: number, inode: number): boolean {
  return readdirSync(`/proc/${pid}/fd`).some((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`;
    } catch {
      return false;
    }
  });
}

describe.runIf(linux)('hidden owners: what the reason says', () => {
  const socket: ParsedSocket = { protocol: 'tcp', family: 4, localAddress: '127.0.0.1', localPort: 5432, remoteAddress: null, remotePort: null, state: 'LISTEN', inode: 77, uid: 0, v6Only: null, pids: [] };

  it("tells an unprivileged user whose socket it is and to use sudo", () => {
    // Another user's socket, seen without privileges (uid 65534 is nobody's, and not ours).
    const s = resolveOwner({ ...socket, uid: 65534 }, undefined, false);
    expect(s).toMatchObject({ owner: 'hidden', pids: [] });
    expect(s.hiddenReason).toBe(`Owned by user ${userName(65534)}; run "sudo porthole" to see which process holds it.`);
  });

  it('as root, names the processes that refused to show their open files', () => {
    const s = resolveOwner({ ...socket, uid: 0 }, undefined, true, describeProtected([process.pid]));
    expect(s.hiddenReason).toContain(`pid ${process.pid} (${myComm()}) will not show where its open files point, even to root`);
    expect(resolveOwner({ ...socket, uid: 0 }, undefined, true).hiddenReason).toMatch(/outside this PID namespace/);
    // Known and kernel-only sockets have no reason at all.
    expect(resolveOwner({ ...socket, uid: 0 }, [5, 6], true)).toMatchObject({ owner: 'known', pids: [5, 6] });
    expect(resolveOwner({ ...socket, uid: 0 }, [5], true).hiddenReason).toBeUndefined();
    expect(resolveOwner({ ...socket, inode: null, uid: null }, undefined, true)).toMatchObject({ owner: 'none', pids: [] });
  });

  it('lists several protected processes by pid and name', () => {
    expect(describeProtected([process.pid, 999_999_999])).toBe(`pids ${process.pid} (${myComm()}) and 999999999`);
  });

  it.runIf(root)('on this machine, blames a process whose fds root may list but not read, when there is one', async (ctx) => {
    // Some machines run such a process (here, a VM's init; elsewhere an LSM-guarded security agent).
    const shielded = protectedProcesses();
    if (shielded.length === 0) return ctx.skip();
    const key = (x: { protocol: string; localAddress: string; localPort: number; remoteAddress: string | null; remotePort: number | null }) =>
      `${x.protocol} ${x.localAddress} ${x.localPort} ${x.remoteAddress} ${x.remotePort}`;
    const placed = async () => new Map(parseSsProcesses((await runCommand('ss', ['-tunapH'])).stdout).sockets.filter((x) => x.pids.length > 0).map((x) => [key(x), x.pids.join(',')]));
    const before = await placed();
    const snap = await new Engine().snapshot();
    const after = await placed();
    // Sockets with an inode that no process visible to the engine holds: the reason must say why.
    const unplaced = snap.sockets.filter((s) => s.inode !== null && s.owner === 'hidden');
    expect(unplaced.length).toBeGreaterThan(0);
    for (const s of unplaced) expect(s.hiddenReason).toContain(`pid${shielded.length > 1 ? 's' : ''} ${shielded[0]}`);
    // And ss could not place them either, when it placed a socket the same way before and after.
    const placedThroughout = unplaced.filter((s) => before.has(key(s)) && before.get(key(s)) === after.get(key(s)));
    expect(placedThroughout.map(key)).toEqual([]);
  });
});

describe.runIf(linux)('LinuxCollector with an ss that predates -H (iproute2 before 4.13)', () => {
  it('asks again without -H and skips the header line itself', async () => {
    // Old ss cannot run here, so a stand-in on PATH answers as it does: it refuses -H the way
    // getopt does, and otherwise prints old ss output (the hand-written fixture).
    const bin = mkdtempSync(path.join(tmp, 'old-ss-'));
    const calls = path.join(bin, 'calls');
    writeFileSync(
      path.join(bin, 'ss'),
      `#!/bin/sh\necho "$*" >> ${calls}\ncase "$1" in *H*) echo "ss: invalid option -- 'H'" >&2; exit 255;; esac\ncat ${path.join(repo, 'test/core/fixtures/linux/ss-old-header.txt')}\n`,
    );
    chmodSync(path.join(bin, 'ss'), 0o755);
    const savedPath = process.env.PATH;
    process.env.PATH = `${bin}:${savedPath}`;
    try {
      const collector = new LinuxCollector();
      const first = await collector.collect();
      const second = await collector.collect();
      for (const raw of [first, second]) {
        expect(raw.collector).toBe('linux-ss');
        expect(raw.skippedLines).toBe(0);
        expect(raw.sockets.map((s) => `${s.protocol} ${s.localAddress}:${s.localPort}`)).toEqual(['tcp 0.0.0.0:22', 'tcp :::22', 'udp 0.0.0.0:68', 'tcp ::ffff:10.0.2.15:22']);
      }
      // -H refused once (by the UDP half of the dump's poll), then remembered. The dump itself
      // (-tan -D -) gets text back from this stand-in: tried on the first polls, then given up.
      const third = await collector.collect();
      const fourth = await collector.collect();
      expect(fourth.sockets).toEqual(third.sockets);
      const flags = readFileSync(calls, 'utf8').trim().split('\n').map((line) => line.split(' ')[0]);
      expect(flags.filter((f) => f!.includes('H'))).toEqual(['-uaeH']);
      // The first poll asks twice (before and after learning about -H), the next two once each.
      expect(flags.filter((f) => f === '-tan')).toHaveLength(4);
      const text = flags.filter((f) => f!.startsWith('-tuna'));
      expect(text).toEqual(text.map(() => '-tunae'));
      expect(text.length).toBeGreaterThanOrEqual(2);
    } finally {
      process.env.PATH = savedPath;
    }
  });
});

/** Pids whose /proc/PID/fd lists but whose links root may not read. */
function protectedProcesses(): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const fds = readdirSync(`/proc/${name}/fd`);
      if (fds.length === 0) continue;
      readlinkSync(`/proc/${name}/fd/${fds[0]}`);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') out.push(Number(name));
    }
  }
  return out.sort((a, b) => a - b);
}
