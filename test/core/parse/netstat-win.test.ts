import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseNetstatWindows, windowsTcpState } from '../../../main/core/collect/parse/netstat-win.js';
import type { ParseOutcome, ParsedSocket } from '../../../main/core/collect/parse/types.js';
import { Win32Collector } from '../../../main/core/collect/win32.js';
import { FallbackCollector, mapSystemInformation } from '../../../main/core/collect/fallback.js';
import type { Systeminformation } from 'systeminformation';
import { windowsTool } from '../../../main/core/windows-tools.js';

const bytes = (name: string): Buffer => readFileSync(new URL(`../fixtures/win32/${name}`, import.meta.url));
// Hand-written in netstat's exact layout ("  %-5s  %-21s  %-21s  %-14s  %s", CRLF), as measured
// on a real Windows capture; the English one ends in a line cut short.
const EN = bytes('netstat-ano-en.txt').toString('utf8');
const DE = bytes('netstat-ano-de.txt').toString('utf8');
// The same German output as netstat really writes it (OEM code page 850), decoded the way
// runCommand decodes it (UTF-8): "ABHÖREN" arrives as "ABH\uFFFDREN".
const DE_CP850 = bytes('netstat-ano-de-cp850.txt').toString('utf8');
const FR = bytes('netstat-ano-fr.txt').toString('utf8');

function find(out: ParseOutcome, match: Partial<ParsedSocket>): ParsedSocket {
  const hits = out.sockets.filter((s) => Object.entries(match).every(([k, v]) => s[k as keyof ParsedSocket] === v));
  expect(hits, JSON.stringify(match)).toHaveLength(1);
  return hits[0] as ParsedSocket;
}

function problem(s: ParsedSocket): string | null {
  if (s.protocol !== 'tcp' && s.protocol !== 'udp') return 'protocol';
  if (s.family !== 4 && s.family !== 6) return 'family';
  if (s.localAddress === '' || /[[\]*]/.test(s.localAddress)) return 'local address';
  if (!Number.isInteger(s.localPort) || s.localPort < 0 || s.localPort > 65535) return 'local port';
  if (s.remoteAddress === null ? s.remotePort !== null : /[[\]*]/.test(s.remoteAddress)) return 'remote';
  if (s.pids.some((p, i) => !Number.isInteger(p) || p <= 0 || (i > 0 && p <= (s.pids[i - 1] as number)))) return 'pids';
  if (s.protocol === 'udp' && s.state !== 'UNCONN' && s.state !== 'ESTABLISHED') return 'udp state';
  return null;
}

function expectWellFormed(out: ParseOutcome): void {
  const bad = out.sockets.find((s) => problem(s) !== null);
  expect(bad ? `${problem(bad)}: ${JSON.stringify(bad)}` : null).toBeNull();
  expect(out.samples.length).toBeLessThanOrEqual(3);
}

describe('parseNetstatWindows, English', () => {
  const out = parseNetstatWindows(EN);

  it('reads every row, skips only the truncated last line', () => {
    expect(out.sockets).toHaveLength(47);
    expect(out.skipped).toBe(1);
    expect(out.samples).toEqual(['  UDP    [fe80::1c2d:3e4f:5a6b:7c8d%12]:5']);
    expect(out.processes.size).toBe(0);
    expectWellFormed(out);
  });

  it('reads listeners: "0.0.0.0:0" and "[::]:0" mean no peer', () => {
    expect(find(out, { protocol: 'tcp', family: 4, localPort: 135 })).toEqual({
      protocol: 'tcp',
      family: 4,
      localAddress: '0.0.0.0',
      localPort: 135,
      remoteAddress: null,
      remotePort: null,
      state: 'LISTEN',
      inode: null,
      uid: null,
      v6Only: null,
      pids: [1168],
    });
    expect(find(out, { protocol: 'tcp', family: 6, localPort: 135 })).toMatchObject({ localAddress: '::', remoteAddress: null, pids: [1168] });
    expect(find(out, { protocol: 'tcp', family: 6, localPort: 5173, state: 'LISTEN' })).toMatchObject({ localAddress: '::1', pids: [18244] });
    expect(find(out, { protocol: 'tcp', localAddress: '127.0.0.1', localPort: 3000 })).toMatchObject({ state: 'LISTEN', pids: [20112] });
  });

  it('keeps pid 4 (System) as an owner and gives pid 0 (TIME_WAIT) none', () => {
    expect(find(out, { protocol: 'tcp', family: 4, localPort: 445 }).pids).toEqual([4]);
    const tw = find(out, { localPort: 62020 });
    expect(tw).toMatchObject({ state: 'TIME_WAIT', remoteAddress: '127.0.0.1', remotePort: 5173, pids: [] });
  });

  it('maps the TCP states', () => {
    expect(find(out, { localPort: 62011 })).toMatchObject({ state: 'ESTABLISHED', remotePort: 5173, pids: [9876] });
    expect(find(out, { localPort: 50540 }).state).toBe('CLOSE_WAIT');
    expect(find(out, { localPort: 50541 }).state).toBe('SYN_SENT');
    expect(find(out, { localPort: 50550 }).state).toBe('FIN_WAIT2');
    expect(find(out, { localPort: 50551 }).state).toBe('FIN_WAIT1');
    expect(find(out, { localPort: 50552 }).state).toBe('LAST_ACK');
    expect(find(out, { localPort: 50560 })).toMatchObject({ state: 'TIME_WAIT', pids: [] });
  });

  it('reads zone ids on link-local IPv6, without brackets', () => {
    expect(find(out, { protocol: 'tcp', localPort: 50600 })).toMatchObject({
      family: 6,
      localAddress: 'fe80::1c2d:3e4f:5a6b:7c8d%12',
      remoteAddress: 'fe80::a00:27ff:fe4e:66a1%12',
      remotePort: 445,
      state: 'ESTABLISHED',
      pids: [4],
    });
    expect(find(out, { protocol: 'udp', localPort: 1900, family: 6, localAddress: 'fe80::1c2d:3e4f:5a6b:7c8d%12' }).pids).toEqual([5480]);
  });

  it('reads UDP "*:*" as unconnected, merging rows for the same endpoint', () => {
    expect(find(out, { protocol: 'udp', family: 4, localPort: 5353 })).toMatchObject({
      localAddress: '0.0.0.0',
      remoteAddress: null,
      remotePort: null,
      state: 'UNCONN',
      pids: [2688, 9876],
    });
    expect(find(out, { protocol: 'udp', localPort: 3702 }).pids).toEqual([2764]);
    expect(find(out, { protocol: 'udp', family: 6, localPort: 123 })).toMatchObject({ localAddress: '::', pids: [6048] });
  });

  it('reads LF-only output and a missing preamble the same way', () => {
    const lf = parseNetstatWindows(EN.replace(/\r\n/g, '\n'));
    expect(lf).toEqual(out);
    const rowsOnly = parseNetstatWindows(EN.split('\r\n').slice(4).join('\r\n'));
    expect(rowsOnly).toEqual(out);
  });
});

describe('parseNetstatWindows, localised', () => {
  it('reads German states, keeping an unknown one as UNKNOWN', () => {
    const out = parseNetstatWindows(DE);
    expect(out.skipped).toBe(0);
    expect(out.sockets).toHaveLength(14);
    expect(find(out, { protocol: 'tcp', family: 4, localPort: 8080, state: 'LISTEN' })).toMatchObject({ localAddress: '0.0.0.0', pids: [9876] });
    expect(find(out, { localPort: 54321 })).toMatchObject({ state: 'ESTABLISHED', pids: [4444] });
    expect(find(out, { localPort: 54330 })).toMatchObject({ state: 'TIME_WAIT', pids: [] });
    expect(find(out, { localPort: 49711 }).state).toBe('CLOSE_WAIT');
    expect(find(out, { localPort: 49712 }).state).toBe('SYN_SENT');
    expect(find(out, { localPort: 49713 })).toMatchObject({ state: 'UNKNOWN', remoteAddress: '13.107.42.14', pids: [4444] });
    expect(find(out, { protocol: 'udp', localPort: 1900 })).toMatchObject({ family: 6, localAddress: 'fe80::9d4a:1b2c:3d4e:5f60%7' });
  });

  it('reads the OEM code page bytes decoded as UTF-8 exactly like proper UTF-8', () => {
    expect(DE_CP850).toContain('ABH\uFFFDREN');
    expect(parseNetstatWindows(DE_CP850)).toEqual(parseNetstatWindows(DE));
  });

  it('reads French states', () => {
    const out = parseNetstatWindows(FR);
    expect(out.skipped).toBe(0);
    expect(out.sockets).toHaveLength(9);
    expect(find(out, { protocol: 'tcp', family: 4, localPort: 3000, state: 'LISTEN' }).pids).toEqual([8840]);
    expect(find(out, { localPort: 52011 })).toMatchObject({ state: 'ESTABLISHED', pids: [9912] });
    expect(find(out, { localPort: 49590 }).state).toBe('CLOSE_WAIT');
  });

  it('maps state words in several languages and code pages', () => {
    expect(windowsTcpState('LISTENING')).toBe('LISTEN');
    expect(windowsTcpState('ABHÖREN')).toBe('LISTEN');
    expect(windowsTcpState('ABH\uFFFDREN')).toBe('LISTEN');
    expect(windowsTcpState('\uFFFDCOUTE')).toBe('LISTEN');
    expect(windowsTcpState('E\u0301COUTE')).toBe('LISTEN'); // decomposed É
    expect(windowsTcpState('NAS\uFFFDUCHIWANIE')).toBe('LISTEN');
    expect(windowsTcpState('SYN_RECEIVED')).toBe('SYN_RECV');
    expect(windowsTcpState('CLOSED')).toBe('CLOSE');
    expect(windowsTcpState('BOUND')).toBe('BOUND');
    expect(windowsTcpState('SOMETHING_NEW')).toBe('UNKNOWN');
  });

  it('reads a state spelled in two words', () => {
    const out = parseNetstatWindows('  TCP    0.0.0.0:8080           0.0.0.0:0              IN ASCOLTO      4312\r\n');
    expect(out.sockets[0]).toMatchObject({ state: 'LISTEN', localPort: 8080, pids: [4312] });
  });
});

describe('parseNetstatWindows never throws', () => {
  it('on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 500 }), (text) => expectWellFormed(parseNetstatWindows(text))),
      { numRuns: 500 },
    );
  });

  it('on row-shaped noise', () => {
    const token = fc.oneof(
      fc.constantFrom('TCP', 'UDP', 'tcp', '*:*', '0.0.0.0:0', '[::]:0', '[::1]:80', '1.2.3.4:99999', 'LISTENING', 'ABH\uFFFDREN', '0', '4', '-1'),
      fc.string({ maxLength: 12 }),
    );
    const line = fc.array(token, { maxLength: 7 }).map((t) => `  ${t.join('    ')}`);
    fc.assert(
      fc.property(fc.array(line, { maxLength: 100 }), (lines) => expectWellFormed(parseNetstatWindows(lines.join('\r\n')))),
      { numRuns: 300 },
    );
  });

  it('on every truncation of the fixtures', () => {
    for (const text of [EN, DE_CP850, FR]) {
      for (let cut = 0; cut <= text.length; cut++) expectWellFormed(parseNetstatWindows(text.slice(0, cut)));
    }
  });

  it('counts garbage lines among the rows as skipped, and leaves the rows alone', () => {
    const lines = EN.split('\r\n');
    const garbage = fc.string({ maxLength: 40 }).map((s) => `#${s.replace(/[\r\n]/g, '')}`);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), garbage), { maxLength: 30 }), (inserts) => {
        const copy = [...lines];
        // After the column headers (line 4): before the first row it would just be more preamble.
        for (const [at, g] of inserts) copy.splice(5 + (at % (copy.length - 4)), 0, g);
        const out = parseNetstatWindows(copy.join('\r\n'));
        expect(out.skipped).toBe(inserts.length + 1);
        expect(out.sockets).toHaveLength(47);
      }),
      { numRuns: 200 },
    );
  });

  it('on 100k rows', () => {
    const rows = ['', 'Active Connections', '', '  Proto  Local Address          Foreign Address        State           PID'];
    for (let i = 0; i < 100_000; i++) {
      const port = 1024 + (i % 60000);
      rows.push(
        i % 3 === 0
          ? `  UDP    [::]:${port}${' '.repeat(10)}*:*${' '.repeat(36)}${i + 8}`
          : `  TCP    10.0.${i % 250}.${(i >> 8) % 250}:${port}   52.1.2.3:443           ESTABLISHED     ${i + 8}`,
      );
    }
    const out = parseNetstatWindows(rows.join('\r\n'));
    expect(out.skipped).toBe(0);
    // UDP rows reuse ports every 60000 rows and merge; every TCP row is its own socket.
    expect(out.sockets.length).toBeGreaterThan(80_000);
  });
});

describe('Win32Collector', () => {
  const fake = (whoami: string | Error) => {
    const calls: string[] = [];
    const run = async (command: string): Promise<{ stdout: string; stderr: string }> => {
      calls.push(command);
      if (command === windowsTool('whoami')) {
        if (whoami instanceof Error) throw whoami;
        return { stdout: whoami, stderr: '' };
      }
      return { stdout: EN, stderr: '' };
    };
    return { run, calls };
  };
  const HIGH = '"Mandatory Label\\High Mandatory Level","Label","S-1-16-12288",""\r\n';
  const MEDIUM = '"Mandatory Label\\Medium Mandatory Level","Label","S-1-16-8192",""\r\n';

  it('owns sockets by pid, gives TIME_WAIT none, and reports the skipped line', async () => {
    const { run } = fake(MEDIUM);
    const raw = await new Win32Collector(run).collect();
    expect(raw).toMatchObject({ collector: 'win32-netstat', elevated: false, skippedLines: 1 });
    expect(raw.warnings).toHaveLength(1);
    const tw = raw.sockets.find((s) => s.localPort === 62020);
    expect(tw).toMatchObject({ owner: 'none', pids: [] });
    expect(raw.sockets.find((s) => s.localPort === 445 && s.family === 4)).toMatchObject({ owner: 'known', pids: [4] });
  });

  it('filters by local port and checks elevation once', async () => {
    const { run, calls } = fake(HIGH);
    const collector = new Win32Collector(run);
    const first = await collector.collect({ port: 5173 });
    await collector.collect();
    expect(first.elevated).toBe(true);
    expect(first.sockets.every((s) => s.localPort === 5173)).toBe(true);
    expect(first.sockets).toHaveLength(4);
    expect(calls.filter((c) => c === windowsTool('whoami'))).toHaveLength(1);
    // By absolute path: a netstat.exe in the current folder must not answer instead.
    expect(calls.filter((c) => c === windowsTool('netstat'))).toHaveLength(2);
    expect(windowsTool('netstat', { SystemRoot: 'D:\\Win' })).toBe('D:\\Win\\System32\\netstat.exe');
    expect(windowsTool('powershell', {})).toBe('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
  });

  it('treats a failing elevation check as not elevated', async () => {
    const { run } = fake(new Error('whoami is not installed or not on PATH'));
    expect((await new Win32Collector(run).collect()).elevated).toBe(false);
  });
});

// systeminformation builds its rows from netstat -nao on Windows and netstat/ss on Linux; the
// shapes below are what its code produces for those outputs.
describe('systeminformation fallback mapping', () => {
  const row = (r: Partial<Systeminformation.NetworkConnectionsData>): Systeminformation.NetworkConnectionsData => ({
    protocol: 'tcp',
    localAddress: '0.0.0.0',
    localPort: '80',
    peerAddress: '0.0.0.0',
    peerPort: '0',
    state: 'LISTEN',
    pid: 10,
    process: '',
    ...r,
  });

  it('normalises listeners, peers, families, UDP and missing owners', () => {
    const { sockets, processHints, skipped } = mapSystemInformation(
      [
        row({ protocol: 'tcp', localAddress: '0.0.0.0', localPort: '3000', peerAddress: '0.0.0.0', peerPort: '0', state: 'LISTEN', pid: 14880 }),
        row({ protocol: 'tcp', localAddress: '::', localPort: '3000', peerAddress: '::', peerPort: '0', state: 'LISTEN', pid: 14880 }),
        row({ protocol: 'tcp6', localAddress: '[::1]', localPort: '5173', peerAddress: '[::]', peerPort: '*', state: 'LISTEN', pid: 3935, process: 'node' }),
        row({ protocol: 'tcp', localAddress: '127.0.0.1', localPort: '42191', peerAddress: '127.0.0.1', peerPort: '59760', state: 'TIME_WAIT', pid: null as unknown as number }),
        row({ protocol: 'tcp', localAddress: '127.0.0.1', localPort: '631', peerAddress: '0.0.0.0', peerPort: '*', state: 'LISTEN', pid: null as unknown as number }),
        row({ protocol: 'udp', localAddress: '0.0.0.0', localPort: '5353', peerAddress: '*', peerPort: '*', state: '', pid: 2688 }),
        row({ protocol: 'udp', localAddress: '127.0.0.1', localPort: '45593', peerAddress: '127.0.0.1', peerPort: '46809', state: 'ESTABLISHED', pid: 2257 }),
        row({ protocol: 'tcp', localAddress: '10.0.0.2', localPort: '50552', peerAddress: '1.2.3.4', peerPort: '443', state: 'HERGESTELLT', pid: 6432 }),
        row({ protocol: 'tcp46', localAddress: '*', localPort: '8080', peerAddress: '*', peerPort: '*', state: 'LISTEN', pid: 77 }),
        row({ protocol: 'icmp' }),
        row({ localAddress: 'not-an-ip' }),
      ],
      false,
    );
    expect(skipped).toBe(2);
    expect(sockets.map((s) => [s.protocol, s.family, s.localAddress, s.localPort, s.remoteAddress, s.remotePort, s.state, s.owner])).toEqual([
      ['tcp', 4, '0.0.0.0', 3000, null, null, 'LISTEN', 'known'],
      ['tcp', 6, '::', 3000, null, null, 'LISTEN', 'known'],
      ['tcp', 6, '::1', 5173, null, null, 'LISTEN', 'known'],
      ['tcp', 4, '127.0.0.1', 42191, '127.0.0.1', 59760, 'TIME_WAIT', 'none'],
      ['tcp', 4, '127.0.0.1', 631, null, null, 'LISTEN', 'hidden'],
      ['udp', 4, '0.0.0.0', 5353, null, null, 'UNCONN', 'known'],
      ['udp', 4, '127.0.0.1', 45593, '127.0.0.1', 46809, 'ESTABLISHED', 'known'],
      ['tcp', 4, '10.0.0.2', 50552, '1.2.3.4', 443, 'ESTABLISHED', 'known'],
      ['tcp', 6, '::', 8080, null, null, 'LISTEN', 'known'],
    ]);
    expect(sockets[4]?.hiddenReason).toMatch(/root/);
    expect(sockets[8]?.v6Only).toBe(false);
    expect(processHints.get(3935)).toEqual({ pid: 3935, name: 'node' });
  });

  it('runs through the collector and never throws on junk rows', async () => {
    const raw = await new FallbackCollector(async () => [row({ localPort: '22' }), row({ localPort: '80' })], () => true).collect({ port: 22 });
    expect(raw.sockets.map((s) => s.localPort)).toEqual([22]);
    expect(raw.collector).toBe('systeminformation');
    const junk = fc.record({
      protocol: fc.string(),
      localAddress: fc.string(),
      localPort: fc.string(),
      peerAddress: fc.string(),
      peerPort: fc.string(),
      state: fc.string(),
      pid: fc.oneof(fc.integer(), fc.constant(null as unknown as number), fc.double()),
      process: fc.string(),
    });
    fc.assert(fc.property(fc.array(junk, { maxLength: 20 }), (rows) => void mapSystemInformation(rows, false)), { numRuns: 300 });
  });
});
