import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseProcNet } from '../../../main/core/collect/parse/procnet.js';
import { parseSs, parseSsLine } from '../../../main/core/collect/parse/ss.js';
import { emptyOutcome } from '../../../main/core/collect/parse/types.js';
import { commonView, expectWellFormed, findOne, linuxFixture, manifest as m } from './linux-fixtures.js';

// Real: `ss -tunaeH` on this machine (iproute2 6.1, kernel 6.18), see fixtures/linux/README.md.
const CAPTURE = linuxFixture('ss-tunaeH.txt');
const CAPTURE_WITH_HEADER = linuxFixture('ss-tunae-header.txt');
// Hand-written, in the same column format: forms this sandbox cannot produce.
const HANDMADE = linuxFixture('ss-handmade.txt');
const OLD_SS = linuxFixture('ss-old-header.txt');

const CAPTURED_SOCKETS = 33;

describe('parseSs on a real capture', () => {
  const out = parseSs(CAPTURE);

  it('reads every line', () => {
    expect(out.skipped).toBe(0);
    expect(out.samples).toEqual([]);
    expect(out.sockets).toHaveLength(CAPTURED_SOCKETS);
    expectWellFormed(out);
  });

  it('reads TCP listeners: plain addresses, no peer, inode, uid 0 for root (ss prints no uid:)', () => {
    expect(findOne(out, { protocol: 'tcp', localPort: m.tcp4Listen, state: 'LISTEN' })).toEqual({
      protocol: 'tcp',
      family: 4,
      localAddress: '127.0.0.1',
      localPort: m.tcp4Listen,
      remoteAddress: null,
      remotePort: null,
      state: 'LISTEN',
      inode: 219853,
      uid: 0,
      v6Only: null,
      pids: [],
    });
    expect(findOne(out, { localPort: m.tcp6Listen, state: 'LISTEN' })).toMatchObject({
      family: 6,
      localAddress: '::1',
      remoteAddress: null,
      inode: 219854,
      v6Only: true,
    });
  });

  it('reads "*" as the dual-stack "::" (v6only:0) and "[::]" as the IPv6-only one', () => {
    expect(findOne(out, { localPort: m.tcpDualListen, state: 'LISTEN' })).toMatchObject({
      family: 6,
      localAddress: '::',
      remoteAddress: null,
      remotePort: null,
      v6Only: false,
      inode: 219855,
    });
    expect(findOne(out, { localPort: m.tcpV6OnlyListen })).toMatchObject({ family: 6, localAddress: '::', v6Only: true, inode: 219856 });
  });

  it('reads both ends of established connections over IPv4 and IPv6', () => {
    const client4 = findOne(out, { localPort: m.tcp4Client });
    const server4 = findOne(out, { localPort: m.tcp4Listen, remotePort: m.tcp4Client });
    expect(client4).toMatchObject({ state: 'ESTABLISHED', localAddress: '127.0.0.1', remoteAddress: '127.0.0.1', remotePort: m.tcp4Listen, inode: 219857 });
    expect(server4).toMatchObject({ state: 'ESTABLISHED', remoteAddress: '127.0.0.1', inode: 219858 });
    const client6 = findOne(out, { localPort: m.tcp6Client });
    expect(client6).toMatchObject({ family: 6, localAddress: '::1', remoteAddress: '::1', remotePort: m.tcp6Listen, state: 'ESTABLISHED' });
    expect(findOne(out, { localPort: m.tcp6Listen, remotePort: m.tcp6Client })).toMatchObject({ family: 6, state: 'ESTABLISHED' });
  });

  it('reads a timer field before ino: (keepalive) without losing the inode', () => {
    expect(CAPTURE).toMatch(new RegExp(`:${m.tcp4Client} .*timer:\\(keepalive,`));
    expect(findOne(out, { localPort: m.tcp4Client }).inode).toBe(219857);
  });

  it('keeps IPv4-mapped addresses of an IPv6 socket as written, without brackets', () => {
    expect(findOne(out, { protocol: 'tcp', localPort: m.tcpDualListen, state: 'ESTABLISHED' })).toMatchObject({
      family: 6,
      localAddress: '::ffff:127.0.0.1',
      remoteAddress: '::ffff:127.0.0.1',
      remotePort: m.tcpMappedClient,
      v6Only: null,
    });
    // The client side is a plain IPv4 socket.
    expect(findOne(out, { localPort: m.tcpMappedClient })).toMatchObject({ family: 4, localAddress: '127.0.0.1', remotePort: m.tcpDualListen });
    expect(findOne(out, { protocol: 'udp', localPort: m.udpMappedConnected })).toMatchObject({
      family: 6,
      localAddress: '::ffff:127.0.0.1',
      remoteAddress: '::ffff:127.0.0.1',
      remotePort: m.udp4Unconn,
      state: 'ESTABLISHED',
    });
  });

  it('maps half-closed, TIME-WAIT and SYN-SENT states; kernel-only sockets (ino:0) get inode null and no uid', () => {
    expect(findOne(out, { localPort: m.tcpFinWait2Client })).toMatchObject({ state: 'FIN_WAIT2', remotePort: m.tcpHalfListen, inode: 219864 });
    expect(findOne(out, { localPort: m.tcpHalfListen, remotePort: m.tcpFinWait2Client })).toMatchObject({ state: 'CLOSE_WAIT', inode: 219865 });
    expect(findOne(out, { localPort: m.tcpTimeWaitClient })).toMatchObject({
      state: 'TIME_WAIT',
      remoteAddress: '127.0.0.1',
      remotePort: m.tcpTimeWaitListen,
      inode: null,
      uid: null,
    });
    const synSent = out.sockets.filter((s) => s.state === 'SYN_SENT');
    expect(synSent.map((s) => [s.remotePort, s.inode])).toEqual([
      [m.tcpStuckListen, 220064],
      [m.tcpStuckListen, 220065],
    ]);
    // Completed handshakes waiting in the accept queue of a process that never accepts: no fd yet.
    const queued = out.sockets.filter((s) => s.localPort === m.tcpStuckListen && s.state === 'ESTABLISHED');
    expect(queued).toHaveLength(2);
    expect(queued.every((s) => s.inode === null && s.uid === null)).toBe(true);
  });

  it('reads UDP: unconnected has no peer ("0.0.0.0:*", "[::]:*"), connected has one', () => {
    expect(findOne(out, { protocol: 'udp', localPort: m.udp4Unconn })).toMatchObject({
      family: 4,
      localAddress: '127.0.0.1',
      remoteAddress: null,
      remotePort: null,
      state: 'UNCONN',
      inode: 220066,
    });
    expect(findOne(out, { protocol: 'udp', localPort: m.udp4Connected })).toMatchObject({
      state: 'ESTABLISHED',
      remoteAddress: '127.0.0.1',
      remotePort: m.udp4Unconn,
    });
    expect(findOne(out, { protocol: 'udp', localPort: m.udp6Unconn })).toMatchObject({ family: 6, localAddress: '::1', remoteAddress: null, state: 'UNCONN', v6Only: true });
    expect(findOne(out, { protocol: 'udp', localPort: m.udp6Connected })).toMatchObject({ family: 6, remoteAddress: '::1', remotePort: m.udp6Unconn, state: 'ESTABLISHED' });
    // A socket that only called send(): the kernel bound it to the wildcard and an ephemeral port.
    expect(findOne(out, { protocol: 'udp', localPort: m.udpSendOnly })).toMatchObject({ localAddress: '0.0.0.0', state: 'UNCONN', remoteAddress: null });
  });

  it('reads uid: for another user\'s sockets', () => {
    expect(findOne(out, { protocol: 'tcp', localPort: m.nobodyTcpListen })).toMatchObject({ uid: 65534, inode: 228330 });
    expect(findOne(out, { protocol: 'udp', localPort: m.nobodyUdp6 })).toMatchObject({ uid: 65534, family: 6, localAddress: '::1' });
  });

  it('keeps the device of SO_BINDTODEVICE sockets as a zone ("127.0.0.1%lo", "::1%lo")', () => {
    expect(findOne(out, { protocol: 'tcp', localPort: m.deviceTcpListen })).toMatchObject({ family: 4, localAddress: '127.0.0.1%lo', remoteAddress: null });
    expect(findOne(out, { protocol: 'udp', localPort: m.deviceUdp6 })).toMatchObject({ family: 6, localAddress: '::1%lo', v6Only: true });
  });

  it('reads the same output with the header line identically', () => {
    expect(CAPTURE_WITH_HEADER.split('\n')[0]).toMatch(/^Netid\s+State\s+Recv-Q/);
    const withHeader = parseSs(CAPTURE_WITH_HEADER);
    expect(withHeader.skipped).toBe(0);
    // Captured a moment apart: compare what does not move (timers and queues do).
    expect(withHeader.sockets.map(commonView).sort()).toEqual(out.sockets.map(commonView).sort());
  });

  it('parses each line alone as parseSsLine does', () => {
    const lines = CAPTURE.split('\n').filter((l) => l.trim() !== '');
    expect(lines.map((l) => parseSsLine(l.trim()))).toEqual(out.sockets);
  });
});

describe('parseSs on forms this sandbox cannot produce (hand-written)', () => {
  const out = parseSs(HANDMADE);

  it('reads every line', () => {
    expect(out.skipped).toBe(0);
    expect(out.sockets).toHaveLength(10);
    expectWellFormed(out);
  });

  it('keeps interface zones: link-local "[fe80::1]%eth0", "0.0.0.0%eth0", and a dual-stack "*%eth0"', () => {
    expect(findOne(out, { localPort: 546 })).toMatchObject({ protocol: 'udp', family: 6, localAddress: 'fe80::1%eth0', remoteAddress: null, uid: 998, v6Only: true });
    expect(findOne(out, { localPort: 68 })).toMatchObject({ family: 4, localAddress: '0.0.0.0%eth0', remoteAddress: null, uid: 998, v6Only: null });
    expect(findOne(out, { localPort: 5353 })).toMatchObject({ family: 6, localAddress: '::%eth0', v6Only: false, uid: 107, remoteAddress: null });
    expect(findOne(out, { localPort: 8080 })).toMatchObject({ family: 6, localAddress: 'fe80::a00:27ff:fe4e:66a1%eth0', state: 'LISTEN', uid: 1000 });
  });

  it('never takes a wildcard with a device ("*%eth0:5", found by fuzzing) for a peer', () => {
    const parsed = parseSs('tcp ESTAB 0 0 0.0.0.0:80 *%eth0:5');
    expect(parsed.sockets.every((s) => s.remoteAddress === null && s.remotePort === null)).toBe(true);
    expectWellFormed(parsed);
  });

  it('reads keepalive and retransmit timers, uid:, and remote states', () => {
    expect(findOne(out, { localPort: 22, state: 'ESTABLISHED' })).toMatchObject({ remoteAddress: '192.168.1.5', remotePort: 51234, inode: 41234, uid: 0 });
    expect(findOne(out, { localPort: 51000 })).toMatchObject({ remoteAddress: '140.82.112.3', remotePort: 443, uid: 1000, inode: 52311 });
    expect(findOne(out, { localPort: 40000 })).toMatchObject({ state: 'SYN_SENT', remoteAddress: '10.255.255.1', uid: 1000, inode: 52400 });
    expect(findOne(out, { localPort: 41000 })).toMatchObject({ state: 'CLOSE_WAIT', family: 6, localAddress: '2001:db8::20', remoteAddress: '2001:db8::1', v6Only: false });
    // Orphaned by close(): the kernel still knows the uid, but no fd holds it.
    expect(findOne(out, { localPort: 41200 })).toMatchObject({ state: 'LAST_ACK', inode: null, uid: 1000 });
    expect(findOne(out, { localPort: 22, state: 'SYN_RECV' })).toMatchObject({ inode: null, uid: null, remotePort: 50000 });
  });
});

describe('parseSs on older ss output (iproute2 3.10, hand-written)', () => {
  const out = parseSs(OLD_SS);

  it('skips the header line without counting it, and reads the rest', () => {
    expect(out.skipped).toBe(0);
    expect(out.sockets).toHaveLength(4);
    expectWellFormed(out);
  });

  it('reads "*" without a v6only: field as the IPv4 wildcard, as older ss meant it', () => {
    expect(findOne(out, { protocol: 'tcp', localPort: 22, family: 4 })).toMatchObject({ localAddress: '0.0.0.0', remoteAddress: null, v6Only: null, inode: 15906 });
    expect(findOne(out, { protocol: 'udp', localPort: 68 })).toMatchObject({ family: 4, localAddress: '0.0.0.0', remoteAddress: null });
  });

  it('without -e (no ino:, so no v6only: either), reads "*" as today\'s ss means it: dual-stack "::"', () => {
    expect(parseSsLine('tcp LISTEN 0 511 *:3000 *:*')).toMatchObject({ family: 6, localAddress: '::', v6Only: false });
    expect(parseSsLine('udp UNCONN 0 0 *%eth0:5353 *:*')).toMatchObject({ family: 6, localAddress: '::%eth0', v6Only: false });
  });

  it('reads unbracketed IPv6 (":::22", "::ffff:10.0.2.15:22")', () => {
    expect(findOne(out, { protocol: 'tcp', localPort: 22, family: 6, state: 'LISTEN' })).toMatchObject({ localAddress: '::', remoteAddress: null, v6Only: true });
    expect(findOne(out, { state: 'ESTABLISHED' })).toMatchObject({
      family: 6,
      localAddress: '::ffff:10.0.2.15',
      remoteAddress: '::ffff:10.0.2.2',
      remotePort: 50412,
    });
  });
});

describe('parseSs skips what it cannot read, and counts it', () => {
  it('skips malformed lines and keeps samples of them', () => {
    const bad = [
      'tcp LISTEN 0 128 not-an-address 0.0.0.0:* ino:1',
      'sctp LISTEN 0 128 0.0.0.0:9 0.0.0.0:* ino:2',
      'tcp WEIRD 0 128 0.0.0.0:9 0.0.0.0:* ino:3',
      'tcp LISTEN 0 128 0.0.0.0:70000 0.0.0.0:*',
      'tcp LISTEN 0',
      'udp ESTAB 0 0 127.0.0.1:5 0.0.0.0:*',
    ];
    const good = CAPTURE.split('\n').slice(0, 3);
    const out = parseSs([...bad, ...good].join('\n'));
    expect(out.skipped).toBe(bad.length);
    expect(out.samples).toEqual(bad.slice(0, 3));
    expect(out.sockets).toHaveLength(3);
  });

  it('ignores blank lines and CRLF line ends', () => {
    const out = parseSs(`\n\n${CAPTURE.replace(/\n/g, '\r\n\r\n')}`);
    expect(out.skipped).toBe(0);
    expect(out.sockets).toEqual(parseSs(CAPTURE).sockets);
  });

  it('reads a garbled inode or uid as unknown rather than guessing', () => {
    const out = parseSs('tcp LISTEN 0 1 127.0.0.1:80 0.0.0.0:* uid:x ino:12a sk:1\n');
    expect(out.sockets[0]).toMatchObject({ inode: null, uid: null });
  });
});

describe('ss and /proc/net captured at the same moment', () => {
  it('list the same sockets with the same addresses, states, inodes and uids', () => {
    const fromSs = parseSs(CAPTURE);
    const fromProc = emptyOutcome();
    parseProcNet(linuxFixture('proc-net-tcp.txt'), 'tcp', 4, true, fromProc);
    parseProcNet(linuxFixture('proc-net-tcp6.txt'), 'tcp', 6, true, fromProc);
    parseProcNet(linuxFixture('proc-net-udp.txt'), 'udp', 4, true, fromProc);
    parseProcNet(linuxFixture('proc-net-udp6.txt'), 'udp', 6, true, fromProc);
    expect(fromProc.skipped).toBe(0);
    expect(fromProc.sockets.map(commonView).sort()).toEqual(fromSs.sockets.map(commonView).sort());
    expect(fromProc.sockets).toHaveLength(CAPTURED_SOCKETS);
  });

  it('differ only where /proc/net cannot say: the device zone and the v6only flag', () => {
    const fromProc = parseProcNet(linuxFixture('proc-net-tcp6.txt'), 'tcp', 6);
    expect(findOne(fromProc, { localPort: m.tcpDualListen, state: 'LISTEN' })).toMatchObject({ localAddress: '::', v6Only: null });
    const udp6 = parseProcNet(linuxFixture('proc-net-udp6.txt'), 'udp', 6);
    expect(findOne(udp6, { localPort: m.deviceUdp6 }).localAddress).toBe('::1');
  });
});

describe('parseSs never throws', () => {
  it('on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 500 }), (text) => {
        expectWellFormed(parseSs(text));
      }),
      { numRuns: 500 },
    );
  });

  it('on ss-shaped noise', () => {
    const token = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('tcp', 'udp', 'LISTEN', 'ESTAB', 'UNCONN', 'TIME-WAIT', '0', '*', '*:*', '0.0.0.0:*', '[::]:*', '[::1]:80', '*%eth0:5', '[fe80::1]%eth0:546'),
      fc.constantFrom('ino:0', 'ino:12', 'ino:', 'uid:1000', 'uid:-1', 'v6only:0', 'v6only:1', 'v6only:', 'timer:(on,1ms,0)', '<->'),
    );
    fc.assert(
      fc.property(fc.array(fc.array(token, { maxLength: 12 }).map((t) => t.join(' ')), { maxLength: 50 }), (lines) => {
        expectWellFormed(parseSs(lines.join('\n')));
      }),
      { numRuns: 300 },
    );
  });

  it('on every truncation of the captures', () => {
    for (const text of [CAPTURE, HANDMADE, OLD_SS]) {
      for (let cut = 0; cut <= text.length; cut++) expectWellFormed(parseSs(text.slice(0, cut)));
    }
  });

  it('on randomly garbled captures: each line is read as before or skipped and counted', () => {
    const lines = CAPTURE.trimEnd().split('\n');
    const clean = parseSs(CAPTURE).sockets.map((s) => JSON.stringify(s));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.nat(), fc.string({ unit: 'binary', minLength: 1, maxLength: 3 })), { maxLength: 20 }), (edits) => {
        const copy = [...lines];
        for (const [line, at, text] of edits) {
          const i = line % copy.length;
          const l = copy[i]!;
          const pos = at % (l.length + 1);
          copy[i] = l.slice(0, pos) + text.replace(/[\n\r]/g, '') + l.slice(pos + 1);
        }
        const out = parseSs(copy.join('\n'));
        expectWellFormed(out);
        expect(out.sockets.length + out.skipped).toBeLessThanOrEqual(lines.length);
        const touched = new Set(edits.map(([line]) => line % lines.length));
        // Lines nobody touched come out exactly as before.
        const untouched = lines.map((_, i) => i).filter((i) => !touched.has(i));
        const got = new Set(out.sockets.map((s) => JSON.stringify(s)));
        for (const i of untouched) expect(got.has(clean[i]!)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('skips and counts whole garbage lines without disturbing the sockets around them', () => {
    const lines = CAPTURE.trimEnd().split('\n');
    const garbage = fc.string({ maxLength: 40 }).map((s) => `#${s.replace(/[\n\r]/g, '')}`);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), garbage), { maxLength: 30 }), (inserts) => {
        const copy = [...lines];
        for (const [at, g] of inserts) copy.splice(at % (copy.length + 1), 0, g);
        const out = parseSs(copy.join('\n'));
        expect(out.skipped).toBe(inserts.length);
        expect(out.sockets).toEqual(parseSs(CAPTURE).sockets);
      }),
      { numRuns: 200 },
    );
  });

  it('on 100k lines', () => {
    const lines = CAPTURE.trimEnd().split('\n');
    const big: string[] = [];
    for (let i = 0; big.length < 100_000; i++) big.push(lines[i % lines.length]!);
    const out = parseSs(big.join('\n'));
    expect(out.sockets).toHaveLength(100_000);
    expect(out.skipped).toBe(0);
  });
});
