import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSsProcesses, parseUsers } from '../../../main/core/collect/parse/ss-processes.js';
import { parseSs } from '../../../main/core/collect/parse/ss.js';
import { expectWellFormed, findOne, linuxFixture, manifest as m } from './linux-fixtures.js';

// Real: `ss -tunapH`, captured with the other Linux fixtures (same sockets).
const CAPTURE = linuxFixture('ss-tunapH.txt');
// Hand-written in the same format: worker groups, two fds of one process, a name with a space.
const HANDMADE = linuxFixture('ss-p-handmade.txt');

describe('parseSsProcesses on a real capture', () => {
  const out = parseSsProcesses(CAPTURE);

  it('reads every line, the same sockets as ss -e lists', () => {
    expect(out.skipped).toBe(0);
    expect(out.sockets).toHaveLength(33);
    expectWellFormed(out, { pids: 'sorted' });
    const endpoints = (s: { protocol: string; localAddress: string; localPort: number; remoteAddress: string | null; remotePort: number | null }) =>
      `${s.protocol} ${s.localAddress}:${s.localPort} ${s.remoteAddress}:${s.remotePort}`;
    expect(out.sockets.map(endpoints).sort()).toEqual(parseSs(linuxFixture('ss-tunaeH.txt')).sockets.map(endpoints).sort());
  });

  it('reads the owner of each socket', () => {
    expect(findOne(out, { protocol: 'tcp', localPort: m.tcp4Listen, state: 'LISTEN' }).pids).toEqual([m.capturePid]);
    expect(findOne(out, { protocol: 'tcp', localPort: m.nobodyTcpListen }).pids).toEqual([m.nobodyPid]);
    expect(findOne(out, { protocol: 'tcp', localPort: m.tcpStuckListen, state: 'LISTEN' }).pids).toEqual([m.tcpStuckPid]);
    expect(out.processes.get(m.capturePid!)).toEqual({ pid: m.capturePid, name: 'node' });
  });

  it('lists every holder of a shared listener, sorted', () => {
    expect(findOne(out, { localPort: m.sharedListen }).pids).toEqual([m.sharedPid, m.sharedWorker1, m.sharedWorker2].sort((a, b) => a! - b!));
  });

  it('gives kernel-only sockets (TIME-WAIT, not yet accepted) no pids', () => {
    expect(findOne(out, { localPort: m.tcpTimeWaitClient }).pids).toEqual([]);
    const queued = out.sockets.filter((s) => s.localPort === m.tcpStuckListen && s.state === 'ESTABLISHED');
    expect(queued.map((s) => s.pids)).toEqual([[], []]);
  });

  it('is not fooled by a process name that looks like an entry', () => {
    // comm is `x",pid=1,fd=2)`; ss prints it cut at the ")": `users:(("x",pid=1,fd=2",pid=N,fd=3))`.
    expect(CAPTURE).toContain(`("x",pid=1,fd=2",pid=${m.devicePid},fd=3)`);
    expect(findOne(out, { protocol: 'tcp', localPort: m.deviceTcpListen })).toMatchObject({ localAddress: '127.0.0.1%lo', pids: [m.devicePid] });
    expect(findOne(out, { protocol: 'udp', localPort: m.deviceUdp6 })).toMatchObject({ localAddress: '::1%lo', pids: [m.devicePid] });
    expect(out.processes.get(m.devicePid!)).toEqual({ pid: m.devicePid, name: 'x",pid=1,fd=2' });
    expect(out.processes.has(1)).toBe(false);
  });
});

describe('parseSsProcesses on hand-written forms', () => {
  const out = parseSsProcesses(HANDMADE);

  it('reads worker groups, repeated pids, names with spaces, and sockets without users', () => {
    expect(out.skipped).toBe(0);
    expect(findOne(out, { family: 4, localPort: 80, state: 'LISTEN' }).pids).toEqual([1208, 1209, 1210]);
    expect(findOne(out, { family: 6, localPort: 80 }).pids).toEqual([1208, 1210]);
    expect(findOne(out, { localPort: 51000 }).pids).toEqual([4242]);
    expect(out.processes.get(4242)?.name).toBe('Web Content');
    expect(findOne(out, { localPort: 546 })).toMatchObject({ localAddress: 'fe80::1%eth0', pids: [602] });
    expect(out.processes.get(602)?.name).toBe('systemd-network');
    expect(findOne(out, { state: 'TIME_WAIT' }).pids).toEqual([]);
  });
});

describe('parseUsers', () => {
  it('reads each entry', () => {
    expect(parseUsers('users:(("nginx",pid=10,fd=6),("nginx",pid=11,fd=7))')).toEqual([
      { name: 'nginx', pid: 10, fd: 6 },
      { name: 'nginx', pid: 11, fd: 7 },
    ]);
    expect(parseUsers('users:(("",pid=10,fd=6))')).toEqual([{ name: '', pid: 10, fd: 6 }]);
    // ss cuts names at ")" today; should it stop, an entry still ends only before ",(" or the end.
    expect(parseUsers('users:(("a),(b",pid=10,fd=6))')).toEqual([{ name: 'a),(b', pid: 10, fd: 6 }]);
  });

  it('rejects what is not a users field', () => {
    for (const bad of ['', 'users:', 'users:(())', 'users:(("a",pid=1,fd=2)', 'users:(("a",pid=x,fd=2))', 'users:(("a",pid=1,fd=2),)', 'users:((a,pid=1,fd=2))']) {
      expect(parseUsers(bad), bad).toBeUndefined();
    }
  });

  it('counts lines with a broken users field as skipped', () => {
    const out = parseSsProcesses('tcp LISTEN 0 1 127.0.0.1:80 0.0.0.0:* users:(("a",pid=1\n');
    expect(out.skipped).toBe(1);
    expect(out.sockets).toEqual([]);
  });
});

describe('parseSsProcesses never throws', () => {
  it('on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        expectWellFormed(parseSsProcesses(text), { pids: 'sorted' });
      }),
      { numRuns: 400 },
    );
  });

  it('on arbitrary process names', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ maxLength: 15 }).map((n) => n.replace(/[\n)]/g, '')), fc.nat(4_194_304), fc.nat(1000)), { minLength: 1, maxLength: 5 }), (entries) => {
        const field = `users:(${entries.map(([n, p, f]) => `("${n}",pid=${p},fd=${f})`).join(',')})`;
        expect(parseUsers(field)).toEqual(entries.map(([name, pid, fd]) => ({ name, pid, fd })));
      }),
      { numRuns: 500 },
    );
  });

  it('on every truncation of the capture', () => {
    for (let cut = 0; cut <= CAPTURE.length; cut += 3) expectWellFormed(parseSsProcesses(CAPTURE.slice(0, cut)), { pids: 'sorted' });
  });

  it('on 100k lines', () => {
    const lines = CAPTURE.trimEnd().split('\n');
    const big: string[] = [];
    for (let i = 0; big.length < 100_000; i++) big.push(lines[i % lines.length]!);
    const out = parseSsProcesses(big.join('\n'));
    expect(out.sockets).toHaveLength(100_000);
    expect(out.skipped).toBe(0);
  });
});
