// The incremental socket-inode -> pid cache (collect/linux-inodes.ts), live: one Engine polls while a
// child opens, closes and reopens sockets on the same fd numbers and hands sockets to children of
// its own. After every step the snapshot must name exactly the right owners; a cache that trusts
// what it read on an earlier poll gets some of these wrong.
import { afterEach, describe, expect, it } from 'vitest';
import { readlinkSync, statSync } from 'node:fs';
import { InodeOwnerIndex, socketInode } from '../../main/core/collect/linux-inodes.js';
import { Engine } from '../../main/core/engine.js';
import type { Snapshot } from '../../main/core/model.js';
import { spawnLab, type Lab } from './socket-lab.js';
import { adopt, cleanup } from './spawned.js';

afterEach(cleanup);

/**
 * Our sockets as "proto localPort>remotePort state owner[pids]", sorted. Everything the test opens
 * is on 127.0.0.1; `ports` holds "tcp:PORT" / "udp:PORT" of each (the same number in the other
 * protocol, or on another address, is someone else's), accepted connections' ends included.
 */
function ours(snap: Snapshot, ports: Set<string>): string[] {
  return snap.sockets
    // Both ends ours: other programs' connections may reuse one of our ephemeral port numbers
    // towards another peer (Linux allows that), and must not count.
    .filter((s) => s.localAddress === '127.0.0.1' && ports.has(`${s.protocol}:${s.localPort}`) && (s.remotePort === null || ports.has(`${s.protocol}:${s.remotePort}`)))
    .map((s) => `${s.protocol} ${s.localPort}>${s.remotePort ?? '*'} ${s.state} ${s.owner}[${s.pids.join(',')}]`)
    .sort();
}

/** Sockets a process holds open; closing handshakes (FIN_WAIT, TIME_WAIT, LAST_ACK...) come and go on the kernel's time. */
const live = (line: string) => / (LISTEN|ESTABLISHED|UNCONN) /.test(line);

/**
 * Open listener "b" in the lab, at `fd` (the lowest free one), and check that the index's next poll
 * places it with the cheap steps alone: nothing left for a search of every fd.
 */
async function expectPlacedAtSameFd(index: InodeOwnerIndex, lab: Lab, fd: number): Promise<void> {
  const b = await lab.tcpListen('b', '127.0.0.1');
  expect(b.fd).toBe(fd);
  const inodeB = socketInode(readlinkSync(`/proc/${lab.pid}/fd/${fd}`));
  index.refresh();
  const lookup = index.resolve([inodeB], undefined, { rescan: false });
  expect(lookup.missing).toEqual([]);
  expect(lookup.owners.get(inodeB)).toEqual([lab.pid]);
}

describe.runIf(process.platform === 'linux')('the inode owner cache, polled while sockets come and go', () => {
  it('follows opens, closes, fd-number reuse and sockets inherited by children', async () => {
    const engine = new Engine();
    const L = await spawnLab();
    const C = await spawnLab();
    const ports = new Set<string>();
    const expectOwners = async (expected: string[]) => {
      const snap = await engine.snapshot();
      expect(ours(snap, ports).filter(live)).toEqual([...expected].sort());
    };
    const track = <T extends { port: number }>(r: T, protocol = 'tcp'): T => {
      ports.add(`${protocol}:${r.port}`);
      return r;
    };
    await expectOwners([]);

    // 1. A listener and a UDP socket.
    const a = track(await L.tcpListen('a', '127.0.0.1'));
    const b = track(await L.udpBind('b', 'udp4', '127.0.0.1'), 'udp');
    await expectOwners([`tcp ${a.port}>* LISTEN known[${L.pid}]`, `udp ${b.port}>* UNCONN known[${L.pid}]`]);

    // 2. A client in another process connects: each end has its own owner.
    const c = track(await C.tcpConnect('c', '127.0.0.1', a.port));
    await L.op('accepted', { count: 1 });
    const established = [`tcp ${a.port}>${c.port} ESTABLISHED known[${L.pid}]`, `tcp ${c.port}>${a.port} ESTABLISHED known[${C.pid}]`];
    await expectOwners([`tcp ${a.port}>* LISTEN known[${L.pid}]`, `udp ${b.port}>* UNCONN known[${L.pid}]`, ...established]);

    // 3. Close both and open new ones: the kernel hands out the lowest free fd, the one just closed.
    await L.close('a');
    const a2 = track(await L.tcpListen('a2', '127.0.0.1'));
    expect(a2.fd).toBe(a.fd);
    await L.close('b');
    const b2 = track(await L.udpBind('b2', 'udp4', '127.0.0.1'), 'udp');
    await expectOwners([`tcp ${a2.port}>* LISTEN known[${L.pid}]`, `udp ${b2.port}>* UNCONN known[${L.pid}]`, ...established]);

    // 4. A program started by L inherits the listener: both hold it.
    const g = (await L.op('inherit', { name: 'a2', as: 'g' })) as { pid: number };
    await adopt(g.pid);
    const both = [L.pid, g.pid].sort((x, y) => x - y).join(',');
    await expectOwners([`tcp ${a2.port}>* LISTEN known[${both}]`, `udp ${b2.port}>* UNCONN known[${L.pid}]`, ...established]);

    // 5. L closes its copy and opens a file, which gets the same fd number. The socket lives on in
    //    the child alone; L's fd number still exists, but no longer is that socket.
    await L.close('a2');
    const file = (await L.op('open-file', { name: 'file' })) as { fd: number };
    expect(file.fd).toBe(a2.fd);
    await expectOwners([`tcp ${a2.port}>* LISTEN known[${g.pid}]`, `udp ${b2.port}>* UNCONN known[${L.pid}]`, ...established]);

    // 6. The file closes and a new listener takes that fd number again.
    await L.close('file');
    const a3 = track(await L.tcpListen('a3', '127.0.0.1'));
    expect(a3.fd).toBe(a2.fd);
    await expectOwners([
      `tcp ${a2.port}>* LISTEN known[${g.pid}]`,
      `tcp ${a3.port}>* LISTEN known[${L.pid}]`,
      `udp ${b2.port}>* UNCONN known[${L.pid}]`,
      ...established,
    ]);

    // 6b. A new socket at a new fd number while another fd closes: the process has as many fds as
    //     at the last poll, but not the same ones.
    const other = (await L.op('open-file', { name: 'other' })) as { fd: number };
    const before6b = [
      `tcp ${a2.port}>* LISTEN known[${g.pid}]`,
      `tcp ${a3.port}>* LISTEN known[${L.pid}]`,
      `udp ${b2.port}>* UNCONN known[${L.pid}]`,
      ...established,
    ];
    await expectOwners(before6b);
    const x = track(await L.tcpListen('x', '127.0.0.1'));
    await L.close('other');
    expect(x.fd).not.toBe(other.fd);
    await expectOwners([...before6b, `tcp ${x.port}>* LISTEN known[${L.pid}]`]);
    await L.close('x');

    // 7. The client hangs up; the accepted socket's fd is closed by L, and a new connection reuses it.
    await C.close('c');
    const c2 = track(await C.tcpConnect('c2', '127.0.0.1', a3.port));
    await L.op('accepted', { count: 2 });
    const snap7 = await engine.snapshot();
    const mine7 = ours(snap7, ports).filter(live);
    expect(mine7).toEqual(
      [
        `tcp ${a2.port}>* LISTEN known[${g.pid}]`,
        `tcp ${a3.port}>* LISTEN known[${L.pid}]`,
        `tcp ${a3.port}>${c2.port} ESTABLISHED known[${L.pid}]`,
        `tcp ${c2.port}>${a3.port} ESTABLISHED known[${C.pid}]`,
        `udp ${b2.port}>* UNCONN known[${L.pid}]`,
      ].sort(),
    );

    // 8. Handing the new listener to two workers over IPC: all three hold it.
    const { pids: workers } = (await L.op('share', { name: 'a3', workers: 2 })) as { pids: number[] };
    for (const pid of workers) await adopt(pid);
    const group = [L.pid, ...workers].sort((x, y) => x - y).join(',');
    const snap8 = await engine.snapshot();
    expect(ours(snap8, ports).filter((line) => line.includes(' LISTEN '))).toEqual(
      [`tcp ${a2.port}>* LISTEN known[${g.pid}]`, `tcp ${a3.port}>* LISTEN known[${group}]`].sort(),
    );

    // And a fresh engine (a full read of /proc) agrees with the one that has been caching all along.
    const fresh = await new Engine().snapshot();
    expect(ours(await engine.snapshot(), ports).filter(live)).toEqual(ours(fresh, ports).filter(live));
  });

  it('places a socket at an fd number whose earlier socket closed polls ago, without a full search', async () => {
    // The fd held socket A, then (between two polls) a file, then (between the next two) socket B.
    // The process's count of fds never moves, and the poll in the middle is quiet, so only the
    // memory of A's having gone tells the index to read that fd again.
    const L = await spawnLab();
    const index = new InodeOwnerIndex();
    const inodeAt = (fd: number) => socketInode(readlinkSync(`/proc/${L.pid}/fd/${fd}`));
    const a = await L.tcpListen('a', '127.0.0.1');
    const inodeA = inodeAt(a.fd);
    index.refresh();
    expect(index.resolve([inodeA], undefined, { rescan: false }).owners.get(inodeA)).toEqual([L.pid]);

    await L.close('a');
    expect(((await L.op('open-file', { name: 'file' })) as { fd: number }).fd).toBe(a.fd);
    index.refresh();
    expect(index.resolve([], undefined, { rescan: false, gone: [inodeA] }).missing).toEqual([]);

    await L.close('file');
    await expectPlacedAtSameFd(index, L, a.fd);
  });

  it('places a socket at the fd number of one that came and went between two listings, without a full search', async () => {
    // Under churn, a socket can open after ss lists sockets and close before the next listing: the
    // index read it (here: the first full read), but no poll ever asked for it. When its fd number
    // goes to a new socket, the count of fds does not move; only a re-read of the fds holding a
    // socket ss does not list finds the new one.
    const L = await spawnLab();
    const index = new InodeOwnerIndex();
    const a = await L.tcpListen('a', '127.0.0.1');
    index.refresh();
    expect(index.resolve([], undefined, { rescan: false }).missing).toEqual([]);

    await L.close('a');
    await expectPlacedAtSameFd(index, L, a.fd);
  });

  it.each([
    ['in a gap the last listing left', true],
    ['at the lowest number free when listed', false],
  ])('places a socket opened %s while another fd closed, without listing the process again', async (_, inGap) => {
    // One fd closed and one opened between two polls leaves the count unchanged, so refresh()
    // does not list the process again; the kernel gave the new socket the lowest free number,
    // which is where step c looks. A listing of every process (step d) is what it saves.
    const L = await spawnLab();
    const index = new InodeOwnerIndex();
    const fileFd = async (name: string) => ((await L.op('open-file', { name })) as { fd: number }).fd;
    const gap = await fileFd('gap');
    const other = await fileFd('other');
    if (inGap) await L.close('gap');
    index.refresh();
    expect(index.resolve([], undefined, { rescan: false }).missing).toEqual([]);

    const b = await L.tcpListen('b', '127.0.0.1');
    expect(b.fd).toBe(inGap ? gap : other + 1);
    await L.close(inGap ? 'other' : 'gap');
    const inodeB = socketInode(readlinkSync(`/proc/${L.pid}/fd/${b.fd}`));
    index.refresh();
    const listed: number[] = [];
    const spy = index as unknown as { listFds(pid: number): string[] | undefined };
    const listFds = spy.listFds.bind(index);
    spy.listFds = (pid) => {
      listed.push(pid);
      return listFds(pid);
    };
    const lookup = index.resolve([inodeB], undefined, { rescan: false });
    expect(lookup.missing).toEqual([]);
    expect(lookup.owners.get(inodeB)).toEqual([L.pid]);
    // Before Linux 6.2 a process's fd count is unknown and every poll lists it; then this proves nothing more.
    if (statSync(`/proc/${L.pid}/fd`).size > 0) expect(listed).not.toContain(L.pid);
  });

  it('does not let the memory of closed sockets grow without end while nothing goes missing', () => {
    const index = new InodeOwnerIndex();
    const remembered = () => (index as unknown as { closedSince: Set<number> }).closedSince.size;
    // Inodes no process holds (far above any real one): as under steady churn, polls report
    // sockets gone while every socket they list is placed.
    let next = 2 ** 40;
    for (let poll = 0; poll < 30; poll++) {
      index.refresh();
      expect(index.resolve([], undefined, { rescan: false, gone: Array.from({ length: 500 }, () => next++) }).missing).toEqual([]);
      expect(remembered()).toBeLessThanOrEqual(4096);
    }
  });
});

// The same index over a /proc laid out in a temporary folder, where an fd can be pointed at
// another socket at will: the one change a live process cannot be made to show on cue (its fd
// count unchanged, the socket it left still held by another process).
// Its fds are symlinks, which Windows makes only with a privilege.
describe.runIf(process.platform !== 'win32')('the inode owner cache over a /proc laid out by hand', () => {
  it('moves a process off a socket when its fd now holds another, and off everything when it exits', async () => {
    const { mkdtempSync, mkdirSync, rmSync, symlinkSync, unlinkSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const root = mkdtempSync(`${tmpdir()}/porthole-proc-`);
    const point = (pid: number, fd: number, target: string) => {
      mkdirSync(`${root}/${pid}/fd`, { recursive: true });
      try {
        unlinkSync(`${root}/${pid}/fd/${fd}`);
      } catch {
        // not there yet
      }
      symlinkSync(target, `${root}/${pid}/fd/${fd}`);
    };
    try {
      // 300 and 301 share socket 1000 (a forked worker). Four processes with 20 files each come
      // first in pid order: more fds than one poll's re-read of known fds (heal) covers, so heal
      // does not reach 300, and a change there is found by the search for what is missing, which
      // re-reads 300 whole.
      for (let pid = 101; pid <= 104; pid++) for (let fd = 0; fd < 20; fd++) point(pid, fd, '/dev/null');
      point(300, 3, 'socket:[1000]');
      point(300, 4, '/dev/null');
      point(301, 7, 'socket:[1000]');
      const index = new InodeOwnerIndex(root);
      expect(index.resolve([1000]).owners.get(1000)).toEqual([300, 301]);

      // 300's fd 3 now holds socket 2000: 1000 lives on in 301 alone.
      point(300, 3, 'socket:[2000]');
      const moved = index.resolve([1000, 2000]);
      expect(moved.owners.get(2000)).toEqual([300]);
      expect(moved.owners.get(1000)).toEqual([301]);

      // 301 exits: nobody holds 1000 any more.
      rmSync(`${root}/301`, { recursive: true });
      const gone = index.resolve([1000, 2000]);
      expect(gone.owners.get(1000)).toBeUndefined();
      expect(gone.owners.get(2000)).toEqual([300]);
      // Nothing moved since: the same version, which is how a quiet poll knows to reuse its answer.
      expect(index.resolve([1000, 2000]).version).toBe(gone.version);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("reuses a quiet poll's answer only while no socket changed hands, though ss prints the same text", async () => {
    const { mkdtempSync, mkdirSync, rmSync, symlinkSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { LinuxCollector } = await import('../../main/core/collect/linux.js');
    const root = mkdtempSync(`${tmpdir()}/porthole-proc-`);
    const point = (pid: number, fd: number, target: string) => {
      mkdirSync(`${root}/${pid}/fd`, { recursive: true });
      symlinkSync(target, `${root}/${pid}/fd/${fd}`);
    };
    // The same listener every time, as `ss -tunaeH` prints it (no dump from this stand-in).
    const line = 'tcp   LISTEN 0      511        127.0.0.1:5173      0.0.0.0:*    uid:1000 ino:1000 sk:1 cgroup:/ <->';
    const ss = async () => ({ stdout: `${line}\n`, stderr: '' });
    try {
      point(300, 3, 'socket:[1000]');
      const collector = new LinuxCollector(root, ss);
      const pidsOf = (c: Awaited<ReturnType<typeof collector.collect>>) => c.sockets.find((s) => s.localPort === 5173)?.pids;
      expect(pidsOf(await collector.collect())).toEqual([300]);
      const quiet = await collector.collect();
      // A program 300 starts inherits the listener; ss's text does not change.
      point(301, 7, 'socket:[1000]');
      const inherited = await collector.collect();
      expect(pidsOf(inherited)).toEqual([300, 301]);
      expect(inherited.sockets).not.toBe(quiet.sockets);
      // Then nothing moves: the very answer of the poll before.
      expect((await collector.collect()).sockets).toBe(inherited.sockets);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
