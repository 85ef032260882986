import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIPv6, parseProcNet } from '../../../main/core/collect/parse/procnet.js';
import type { Family, Protocol } from '../../../main/core/model.js';
import { expectWellFormed, findOne, linuxFixture, manifest as m } from './linux-fixtures.js';

// Real: /proc/net/{tcp,tcp6,udp,udp6} on this machine (x86-64, little-endian), read right after
// the ss capture; see fixtures/linux/README.md.
const FILES: Array<[name: string, protocol: Protocol, family: Family, lines: number]> = [
  ['proc-net-tcp.txt', 'tcp', 4, 19],
  ['proc-net-tcp6.txt', 'tcp', 6, 6],
  ['proc-net-udp.txt', 'udp', 4, 3],
  ['proc-net-udp6.txt', 'udp', 6, 5],
];
const TCP4 = linuxFixture('proc-net-tcp.txt');
const TCP6 = linuxFixture('proc-net-tcp6.txt');
const UDP4 = linuxFixture('proc-net-udp.txt');
const UDP6 = linuxFixture('proc-net-udp6.txt');

/** Each 8-hex-digit word byte-reversed: the same table as a big-endian kernel prints it. */
function toBigEndian(text: string): string {
  return text.replace(/\b([0-9A-F]{8}|[0-9A-F]{32}):([0-9A-F]{4})\b/g, (_, addr: string, port: string) => {
    const words = addr.match(/.{8}/g)!.map((w) => w.match(/../g)!.reverse().join(''));
    return `${words.join('')}:${port}`;
  });
}

describe('parseProcNet on a real capture', () => {
  it('reads every line of each table, skipping the header without counting it', () => {
    for (const [name, protocol, family, lines] of FILES) {
      const out = parseProcNet(linuxFixture(name), protocol, family);
      expect(out.skipped, name).toBe(0);
      expect(out.sockets, name).toHaveLength(lines);
      expect(out.sockets.every((s) => s.protocol === protocol && s.family === family)).toBe(true);
      expectWellFormed(out);
    }
  });

  it('decodes host-order hex addresses and ports', () => {
    const tcp = parseProcNet(TCP4, 'tcp', 4);
    expect(findOne(tcp, { localPort: m.tcp4Listen, state: 'LISTEN' })).toEqual({
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
    expect(findOne(tcp, { localPort: m.tcp4Client })).toMatchObject({ remoteAddress: '127.0.0.1', remotePort: m.tcp4Listen, state: 'ESTABLISHED', inode: 219857 });
  });

  it('decodes IPv6: "::", "::1" and IPv4-mapped "::ffff:127.0.0.1"', () => {
    const tcp6 = parseProcNet(TCP6, 'tcp', 6);
    expect(findOne(tcp6, { localPort: m.tcpDualListen, state: 'LISTEN' })).toMatchObject({ localAddress: '::', remoteAddress: null, inode: 219855, v6Only: null });
    expect(findOne(tcp6, { localPort: m.tcp6Listen, state: 'LISTEN' })).toMatchObject({ localAddress: '::1', inode: 219854 });
    expect(findOne(tcp6, { localPort: m.tcp6Client })).toMatchObject({ localAddress: '::1', remoteAddress: '::1', remotePort: m.tcp6Listen });
    expect(findOne(tcp6, { localPort: m.tcpDualListen, state: 'ESTABLISHED' })).toMatchObject({
      localAddress: '::ffff:127.0.0.1',
      remoteAddress: '::ffff:127.0.0.1',
      remotePort: m.tcpMappedClient,
    });
  });

  it('maps the kernel TCP state numbers', () => {
    const tcp = parseProcNet(TCP4, 'tcp', 4);
    expect(findOne(tcp, { localPort: m.tcpFinWait2Client }).state).toBe('FIN_WAIT2');
    expect(findOne(tcp, { localPort: m.tcpHalfListen, remotePort: m.tcpFinWait2Client }).state).toBe('CLOSE_WAIT');
    expect(tcp.sockets.filter((s) => s.state === 'SYN_SENT').map((s) => s.inode)).toEqual([220064, 220065]);
  });

  it('gives TIME-WAIT (a shorter line, uid 0 and inode 0 in the table) no inode and no uid', () => {
    expect(TCP4).toMatch(/ 06 00000000:00000000 03:\S+ 00000000 +0 +0 0 3 \S+ *\n/);
    const tcp = parseProcNet(TCP4, 'tcp', 4);
    expect(findOne(tcp, { localPort: m.tcpTimeWaitClient })).toMatchObject({ state: 'TIME_WAIT', remotePort: m.tcpTimeWaitListen, inode: null, uid: null });
    // Accepted by the kernel, not yet by the process: inode 0, but the uid is real.
    const queued = tcp.sockets.filter((s) => s.localPort === m.tcpStuckListen && s.state === 'ESTABLISHED');
    expect(queued.map((s) => s.inode)).toEqual([null, null]);
  });

  it('reads the uid column', () => {
    expect(findOne(parseProcNet(TCP4, 'tcp', 4), { localPort: m.nobodyTcpListen }).uid).toBe(65534);
    expect(findOne(parseProcNet(UDP6, 'udp', 6), { localPort: m.nobodyUdp6 }).uid).toBe(65534);
  });

  it('reads UDP: 07 is unconnected (remote null), 01 connected', () => {
    const udp = parseProcNet(UDP4, 'udp', 4);
    expect(findOne(udp, { localPort: m.udp4Unconn })).toMatchObject({ localAddress: '127.0.0.1', state: 'UNCONN', remoteAddress: null, remotePort: null });
    expect(findOne(udp, { localPort: m.udp4Connected })).toMatchObject({ state: 'ESTABLISHED', remoteAddress: '127.0.0.1', remotePort: m.udp4Unconn });
    expect(findOne(udp, { localPort: m.udpSendOnly })).toMatchObject({ localAddress: '0.0.0.0', state: 'UNCONN' });
    const udp6 = parseProcNet(UDP6, 'udp', 6);
    expect(findOne(udp6, { localPort: m.udp6Connected })).toMatchObject({ localAddress: '::1', remoteAddress: '::1', remotePort: m.udp6Unconn, state: 'ESTABLISHED' });
    expect(findOne(udp6, { localPort: m.udpMappedConnected })).toMatchObject({ localAddress: '::ffff:127.0.0.1', remotePort: m.udp4Unconn });
  });

  it('reads a big-endian kernel\'s table (each word in host order) to the same sockets', () => {
    for (const [name, protocol, family] of FILES) {
      const text = linuxFixture(name);
      const big = toBigEndian(text);
      expect(big).not.toBe(text);
      expect(parseProcNet(big, protocol, family, false)).toEqual(parseProcNet(text, protocol, family, true));
    }
  });

  it('appends to an outcome it is given', () => {
    const out = parseProcNet(TCP4, 'tcp', 4);
    parseProcNet(UDP4, 'udp', 4, true, out);
    expect(out.sockets).toHaveLength(19 + 3);
  });
});

describe('formatIPv6', () => {
  const bytes = (hex: string) => hex.match(/../g)!.map((b) => parseInt(b, 16));
  it('writes RFC 5952 text', () => {
    expect(formatIPv6(bytes('00000000000000000000000000000000'))).toBe('::');
    expect(formatIPv6(bytes('00000000000000000000000000000001'))).toBe('::1');
    expect(formatIPv6(bytes('fe800000000000000000000000000001'))).toBe('fe80::1');
    expect(formatIPv6(bytes('20010db8000000010000000000000001'))).toBe('2001:db8:0:1::1');
    // Only runs of two or more zero groups are compressed, the first of equal runs.
    expect(formatIPv6(bytes('20010db8000100010001000100010001'))).toBe('2001:db8:1:1:1:1:1:1');
    expect(formatIPv6(bytes('20010000000000010000000000000001'))).toBe('2001:0:0:1::1');
    expect(formatIPv6(bytes('20010000000000010000000000010001'))).toBe('2001::1:0:0:1:1');
    expect(formatIPv6(bytes('00000000000000000000ffff0a000001'))).toBe('::ffff:10.0.0.1');
  });
});

describe('parseProcNet skips what it cannot read, and counts it', () => {
  it('skips malformed lines', () => {
    const header = TCP4.split('\n')[0]!;
    const good = TCP4.split('\n')[1]!;
    const bad = [
      '   9: 0100007F:XYZW 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1',
      '   9: 0100007F 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1',
      '   9: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     x        0 1 1',
      '   9: 0100007F:0016 00000000:0000 0A',
      '   9: 0100007F:0016 00000000:0000 FF 00000000:00000000 00:00000000 00000000     0        0 1 1',
      '   9: 00000000000000000000000001000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1',
    ];
    const out = parseProcNet([header, ...bad, good].join('\n'), 'tcp', 4);
    expect(out.skipped).toBe(bad.length);
    expect(out.samples).toEqual(bad.slice(0, 3).map((l) => l.trim()));
    expect(out.sockets).toHaveLength(1);
  });

  it('skips UDP lines in states UDP does not have', () => {
    const line = UDP4.split('\n')[1]!.replace(' 07 ', ' 0A ');
    const out = parseProcNet(line, 'udp', 4);
    expect(out.skipped).toBe(1);
    expect(out.sockets).toEqual([]);
  });
});

describe('parseProcNet never throws', () => {
  it('on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 500 }), fc.constantFrom<Protocol>('tcp', 'udp'), fc.constantFrom<Family>(4, 6), fc.boolean(), (text, p, f, le) => {
        expectWellFormed(parseProcNet(text, p, f, le));
      }),
      { numRuns: 500 },
    );
  });

  it('on every truncation of the captures', () => {
    for (const [name, protocol, family] of FILES) {
      const text = linuxFixture(name);
      for (let cut = 0; cut <= text.length; cut++) expectWellFormed(parseProcNet(text.slice(0, cut), protocol, family));
    }
  });

  it('on randomly garbled captures', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FILES), fc.array(fc.tuple(fc.nat(), fc.string({ unit: 'binary', maxLength: 4 })), { maxLength: 20 }), ([name, protocol, family], edits) => {
        let text = linuxFixture(name);
        for (const [at, s] of edits) {
          const pos = at % (text.length + 1);
          text = text.slice(0, pos) + s + text.slice(pos + 1);
        }
        const out = parseProcNet(text, protocol, family);
        expectWellFormed(out);
        expect(out.sockets.length + out.skipped).toBeLessThanOrEqual(text.split('\n').length);
      }),
      { numRuns: 300 },
    );
  });

  it('skips and counts garbage lines without disturbing the sockets around them', () => {
    const lines = TCP4.trimEnd().split('\n');
    const garbage = fc.string({ maxLength: 40 }).map((s) => `#${s.replace(/[\n\r]/g, '')}`);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), garbage), { maxLength: 30 }), (inserts) => {
        const copy = [...lines];
        for (const [at, g] of inserts) copy.splice(at % (copy.length + 1), 0, g);
        const out = parseProcNet(copy.join('\n'), 'tcp', 4);
        expect(out.skipped).toBe(inserts.length);
        expect(out.sockets).toEqual(parseProcNet(TCP4, 'tcp', 4).sockets);
      }),
      { numRuns: 200 },
    );
  });

  it('on 100k lines', () => {
    const lines = TCP6.trimEnd().split('\n').slice(1);
    const big = [TCP6.split('\n')[0]!];
    for (let i = 0; big.length <= 100_000; i++) big.push(lines[i % lines.length]!);
    const out = parseProcNet(big.join('\n'), 'tcp', 6);
    expect(out.sockets).toHaveLength(100_000);
    expect(out.skipped).toBe(0);
  });
});
