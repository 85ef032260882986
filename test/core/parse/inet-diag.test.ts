// parse/inet-diag.ts: `ss -tan -D -`, the kernel's raw TCP dump. Its oracle is the text parser:
// the capture's dump (ss-tan-D.bin) was taken right after its `ss -tunaeH` (ss-tan-D.tunaeH.txt),
// of the same sockets, so both must read the same TCP sockets, field for field.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { InetDiagCache, parseInetDiag } from '../../../main/core/collect/parse/inet-diag.js';
import { parseSs } from '../../../main/core/collect/parse/ss.js';
import type { ParsedSocket } from '../../../main/core/collect/parse/types.js';
import { expectWellFormed, findOne, linuxFixture } from './linux-fixtures.js';

const DUMP = readFileSync(new URL('../fixtures/linux/ss-tan-D.bin', import.meta.url));
const TEXT = linuxFixture('ss-tan-D.tunaeH.txt');
/** Ports and pids of the dump's sockets, by role (as manifest.json is for the other captures). */
const m = JSON.parse(linuxFixture('ss-tan-D.manifest.json')) as Record<string, number>;
const ifName = (index: number) => (index === 1 ? 'lo' : `if${index}`);

const sorted = (sockets: ParsedSocket[]) => sockets.map((s) => JSON.stringify(s)).sort();

describe('parseInetDiag on a real capture', () => {
  const out = parseInetDiag(DUMP, ifName);

  it('reads the same TCP sockets as the text of the same moment, field for field', () => {
    expect(out.skipped).toBe(0);
    const tcp = parseSs(TEXT).sockets.filter((s) => s.protocol === 'tcp');
    expect(tcp.length).toBeGreaterThan(10);
    expect(sorted(out.sockets)).toEqual(sorted(tcp));
    expectWellFormed(out);
  });

  it('reads wildcards, v6only, mapped peers, kernel-only sockets and devices as the text does', () => {
    expect(findOne(out, { localPort: m.tcpDualListen, state: 'LISTEN' })).toMatchObject({ family: 6, localAddress: '::', v6Only: false, remoteAddress: null });
    expect(findOne(out, { localPort: m.tcpV6OnlyListen, state: 'LISTEN' })).toMatchObject({ family: 6, localAddress: '::', v6Only: true });
    expect(findOne(out, { remotePort: m.tcpMappedClient })).toMatchObject({ localAddress: '::ffff:127.0.0.1', remoteAddress: '::ffff:127.0.0.1', state: 'ESTABLISHED', v6Only: null });
    expect(findOne(out, { localPort: m.tcpTimeWaitClient, state: 'TIME_WAIT' })).toMatchObject({ inode: null, uid: null });
    expect(findOne(out, { localPort: m.deviceTcpListen, state: 'LISTEN' }).localAddress).toBe('127.0.0.1%lo');
    expect(findOne(out, { localPort: m.nobodyTcpListen, state: 'LISTEN' }).uid).toBe(65534);
  });
});

describe('parseInetDiag with a cache', () => {
  it('keeps the objects of sockets that say the same, and sees a state change as a new socket', () => {
    const cache = new InetDiagCache();
    const first = parseInetDiag(DUMP, ifName, cache);
    expect(cache.unchanged).toBe(false); // nothing to compare with yet
    const again = parseInetDiag(Buffer.from(DUMP), ifName, cache);
    expect(again.sockets.every((s, i) => s === first.sockets[i])).toBe(true);
    expect(cache.unchanged).toBe(true);
    expect(cache.dropped).toEqual([]);

    // The listener on tcp4Listen becomes "CLOSE" (state 7) in an otherwise equal dump.
    const changed = Buffer.from(DUMP);
    const at = messageOffsets(changed).find((o) => changed.readUInt16BE(o + 20) === m.tcp4Listen && changed[o + 17] === 10)!;
    changed[at + 17] = 7;
    const third = parseInetDiag(changed, ifName, cache);
    expect(cache.unchanged).toBe(false);
    const moved = third.sockets.findIndex((s) => s.localPort === m.tcp4Listen && s.remotePort === null);
    expect(third.sockets[moved]).toMatchObject({ state: 'UNCONN' });
    expect(third.sockets[moved]).not.toBe(first.sockets[moved]);
    expect(third.sockets.filter((s, i) => s !== first.sockets[i])).toHaveLength(1);
    expect(cache.dropped).toEqual([first.sockets[moved]!.inode]);
    expect(sorted(third.sockets)).toEqual(sorted(parseInetDiag(changed, ifName).sockets));
  });

  it('answers as a cold parse over any sequence of dumps cut from the capture', () => {
    const messages = messageOffsets(DUMP).map((o) => DUMP.subarray(o, o + ((DUMP.readUInt32LE(o) + 3) & ~3)));
    fc.assert(
      fc.property(fc.array(fc.array(fc.nat(messages.length - 1), { maxLength: 40 }), { minLength: 1, maxLength: 6 }), (polls) => {
        const cache = new InetDiagCache();
        for (const picks of polls) {
          const dump = Buffer.concat(picks.map((i) => messages[i]!));
          const warm = parseInetDiag(dump, ifName, cache);
          expect(warm).toEqual(parseInetDiag(dump, ifName));
          // Every socket of the poll is its own object, even a message repeated within one dump.
          expect(new Set(warm.sockets).size).toBe(warm.sockets.length);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('parseInetDiag names addresses', () => {
  it('as their bytes say, past the bound of the names it remembers, and the same string each time', () => {
    // One message of each family from the capture, copied 5,000 times with distinct local
    // addresses: more than the 4,096 formatted addresses the parser keeps.
    const messages = messageOffsets(DUMP).map((at) => DUMP.subarray(at, at + ((DUMP.readUInt32LE(at) + 3) & ~3)));
    const v4 = messages.find((b) => b[16] === 2)!;
    const v6 = messages.find((b) => b[16] === 10)!;
    const copies: Buffer[] = [];
    const expected: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const a = Buffer.from(v4);
      a.writeUInt32BE(0x0a000000 + i, 24); // 10.0.x.y
      copies.push(a);
      expected.push(`10.0.${i >> 8}.${i & 255}`);
      const b = Buffer.from(v6);
      b.writeUInt32BE(0x20010db8, 24); // 2001:db8::x
      b.fill(0, 28, 38);
      b.writeUInt16BE(i + 1, 38);
      copies.push(b);
      expected.push(`2001:db8::${(i + 1).toString(16)}`);
    }
    const dump = Buffer.concat(copies);
    const first = parseInetDiag(dump, ifName);
    expect(first.skipped).toBe(0);
    expect(first.sockets.map((s) => s.localAddress)).toEqual(expected);
    const again = parseInetDiag(dump, ifName);
    expect(again.sockets.map((s) => s.localAddress)).toEqual(expected);
  });
});

describe('parseInetDiag on bad input never throws', () => {
  it('on every truncation of the capture: whole messages read, the cut one counted', () => {
    const offsets = messageOffsets(DUMP);
    for (let cut = 0; cut <= DUMP.length; cut += 7) {
      const out = parseInetDiag(DUMP.subarray(0, cut), ifName);
      expectWellFormed(out);
      const whole = offsets.filter((o) => o + ((DUMP.readUInt32LE(o) + 3) & ~3) <= cut && DUMP.readUInt16LE(o + 4) === 20).length;
      expect(out.sockets.length).toBe(whole);
      expect(out.skipped).toBe(offsets.includes(cut) || cut === DUMP.length ? 0 : 1);
    }
  });

  it('on arbitrary bytes, and on the capture with bytes changed at random', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => expectWellFormed(parseInetDiag(bytes, ifName))),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(DUMP.length - 1), fc.nat(255)), { minLength: 1, maxLength: 12 }), (edits) => {
        const bytes = Buffer.from(DUMP);
        for (const [at, value] of edits) bytes[at] = value;
        const cache = new InetDiagCache();
        parseInetDiag(DUMP, ifName, cache);
        expectWellFormed(parseInetDiag(bytes, ifName, cache));
      }),
      { numRuns: 300 },
    );
  });

  it('skips and counts what is not a TCP socket message: errors, unknown types, families and states', () => {
    const first = DUMP.subarray(0, (DUMP.readUInt32LE(0) + 3) & ~3);
    const variant = (edit: (b: Buffer) => void) => {
      const b = Buffer.from(first);
      edit(b);
      return b;
    };
    const error = variant((b) => b.writeUInt16LE(2, 4));
    const unknownType = variant((b) => b.writeUInt16LE(99, 4));
    const unix = variant((b) => (b[16] = 1));
    const badState = variant((b) => (b[17] = 13));
    const out = parseInetDiag(Buffer.concat([error, unknownType, unix, badState, first]), ifName);
    expect(out.sockets).toHaveLength(1);
    expect(out.skipped).toBe(4);
    expect(out.samples).toHaveLength(3);
    expect(out.samples[0]).toMatch(/error/);
  });
});

describe.runIf(process.platform === 'linux')('parseInetDiag on this machine, now', () => {
  const servers: net.Server[] = [];
  afterAll(() => {
    for (const s of servers) s.close();
  });

  it('reads our own listeners and connections as the text parser reads them', async () => {
    const listen = (options: net.ListenOptions) =>
      new Promise<net.Server>((resolve) => {
        const server = net.createServer((socket) => socket.on('error', () => undefined));
        servers.push(server);
        server.listen(options, () => resolve(server));
      });
    const v4 = await listen({ port: 0, host: '127.0.0.1' });
    const v6 = await listen({ port: 0, host: '::1' });
    const ports = [v4, v6].map((s) => (s.address() as net.AddressInfo).port);
    const clients = await Promise.all(
      [
        ['127.0.0.1', ports[0]!],
        ['::1', ports[1]!],
      ].map(([host, port]) => new Promise<net.Socket>((resolve) => {
        const c = net.connect(port as number, host as string, () => resolve(c));
      })),
    );
    try {
      const terms = ports.flatMap((p, i) => [...(i > 0 ? ['or'] : []), 'sport', '=', `:${p}`, 'or', 'dport', '=', `:${p}`]);
      // Every TCP socket on the machine (see below): tens of MB on a busy one.
      const dump = execFileSync('ss', ['-tan', '-D', '-', '(', ...terms, ')'], { maxBuffer: 256 * 1024 * 1024 });
      const text = execFileSync('ss', ['-tunaeH', '(', ...terms, ')'], { encoding: 'utf8' });
      // ss applies no filter to its dump: the machine's other sockets are in it too.
      const ours = (s: ParsedSocket) => ports.includes(s.localPort) || ports.includes(s.remotePort ?? -1);
      const fromDump = parseInetDiag(dump, ifName);
      expect(fromDump.skipped).toBe(0);
      expect(fromDump.sockets.filter(ours)).toHaveLength(6); // two listeners, two connections of two ends each
      expect(sorted(fromDump.sockets.filter(ours))).toEqual(sorted(parseSs(text).sockets));
    } finally {
      for (const c of clients) c.destroy();
    }
  });
});

/** Where each netlink message of a dump starts. */
function messageOffsets(bytes: Buffer): number[] {
  const offsets: number[] = [];
  for (let at = 0; at + 16 <= bytes.length; ) {
    const length = bytes.readUInt32LE(at);
    if (length < 16) break;
    offsets.push(at);
    at += (length + 3) & ~3;
  }
  return offsets;
}
