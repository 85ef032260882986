import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lsofTcpState, parseLsof } from '../../../main/core/collect/parse/lsof.js';
import { DarwinCollector } from '../../../main/core/collect/darwin.js';
import type { ParseOutcome, ParsedSocket } from '../../../main/core/collect/parse/types.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/darwin/${name}`, import.meta.url), 'utf8');

// Hand-written in macOS lsof's exact field layout (see the fixture list in the test report).
const MACOS = fixture('lsof-macos.txt');
// Real: lsof 4.95.0 on Linux, `lsof -nP -w +c 0 -a -p <pids> -iTCP -iUDP -FpcuLftPnT` (and -F0…),
// against a node server with forked workers sharing a listener and a python client.
const LINUX = fixture('lsof-linux-capture.txt');
const LINUX_NUL = fixture('lsof-linux-capture-nul.txt');

function find(out: ParseOutcome, match: Partial<ParsedSocket>): ParsedSocket {
  const hits = out.sockets.filter((s) => Object.entries(match).every(([k, v]) => s[k as keyof ParsedSocket] === v));
  expect(hits, JSON.stringify(match)).toHaveLength(1);
  return hits[0] as ParsedSocket;
}

/** What every parsed socket must look like, whatever the input was. Plain checks: this runs thousands of times. */
function expectWellFormed(out: ParseOutcome): void {
  const bad = out.sockets.find((s) => problem(s) !== null);
  expect(bad ? `${problem(bad)}: ${JSON.stringify(bad)}` : null).toBeNull();
  expect(out.samples.length).toBeLessThanOrEqual(3);
}

function problem(s: ParsedSocket): string | null {
  if (s.protocol !== 'tcp' && s.protocol !== 'udp') return 'protocol';
  if (s.family !== 4 && s.family !== 6) return 'family';
  if (s.localAddress === '' || /[[\]*]/.test(s.localAddress)) return 'local address';
  if (!Number.isInteger(s.localPort) || s.localPort < 0 || s.localPort > 65535) return 'local port';
  if (s.remoteAddress === null ? s.remotePort !== null : /[[\]*]/.test(s.remoteAddress)) return 'remote';
  if (s.pids.length === 0 || s.pids.some((p, i) => !Number.isInteger(p) || p <= 0 || (i > 0 && p <= (s.pids[i - 1] as number)))) return 'pids';
  return null;
}

/** Re-spell newline field output the way -F0 prints it: NUL after each field, NL after each set. */
function toNulForm(text: string): string {
  let result = '';
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if ((line[0] === 'p' || line[0] === 'f') && result !== '') result += '\n';
    result += `${line}\0`;
  }
  return `${result}\n`;
}

describe('parseLsof on macOS field output', () => {
  const out = parseLsof(MACOS);

  it('reads every socket, merging the ones several pids hold', () => {
    expect(out.skipped).toBe(0);
    expect(out.sockets).toHaveLength(37);
    expectWellFormed(out);
  });

  it('maps a wildcard to the family lsof names in `t`', () => {
    const v4 = find(out, { protocol: 'tcp', family: 4, localPort: 22 });
    expect(v4).toMatchObject({ localAddress: '0.0.0.0', remoteAddress: null, remotePort: null, state: 'LISTEN', pids: [1] });
    const v6 = find(out, { protocol: 'tcp', family: 6, localPort: 22 });
    expect(v6).toMatchObject({ localAddress: '::', state: 'LISTEN', pids: [1] });
  });

  it('merges forked nginx workers sharing one listener into one socket', () => {
    const listener = find(out, { protocol: 'tcp', localPort: 8080, state: 'LISTEN' });
    expect(listener).toMatchObject({ family: 4, localAddress: '0.0.0.0', pids: [2201, 2202, 2203] });
    // The worker's accepted connection stays its own.
    expect(find(out, { localPort: 8080, state: 'ESTABLISHED' }).pids).toEqual([2202]);
  });

  it('strips brackets from IPv6 endpoints, including KAME scoped link-local addresses', () => {
    const vite = find(out, { protocol: 'tcp', localPort: 5173, state: 'LISTEN' });
    expect(vite).toMatchObject({ family: 6, localAddress: '::1', pids: [4242] });
    const client = find(out, { localPort: 51000 });
    expect(client).toMatchObject({ localAddress: '::1', remoteAddress: '::1', remotePort: 5173, state: 'ESTABLISHED', pids: [777] });
    const ids = find(out, { localPort: 1024 });
    expect(ids).toMatchObject({
      family: 6,
      localAddress: 'fe80:1b::26fd:c41b:b5bc:ff7',
      remoteAddress: 'fe80:1b::91b5:8f5b:be19:6cf3',
      remotePort: 1024,
    });
  });

  it('takes the family from the address when lsof prints a v4-mapped peer on an IPv6 socket', () => {
    const mapped = find(out, { localPort: 3000, state: 'ESTABLISHED' });
    expect(mapped).toMatchObject({ family: 4, localAddress: '127.0.0.1', remoteAddress: '127.0.0.1', remotePort: 52100, pids: [4310] });
    expect(find(out, { localPort: 3000, state: 'LISTEN' })).toMatchObject({ family: 6, localAddress: '::' });
  });

  it('maps every TCP state lsof prints, and UDP by whether it has a peer', () => {
    expect(find(out, { localPort: 52350 }).state).toBe('CLOSE_WAIT');
    expect(find(out, { localPort: 52390 }).state).toBe('SYN_SENT');
    expect(find(out, { localPort: 52500 }).state).toBe('FIN_WAIT2');
    expect(find(out, { localPort: 52501 }).state).toBe('FIN_WAIT1');
    expect(find(out, { localPort: 52502 }).state).toBe('LAST_ACK');
    const closed = find(out, { protocol: 'tcp', localPort: 0 });
    expect(closed).toMatchObject({ state: 'CLOSE', localAddress: '0.0.0.0', remoteAddress: null, pids: [1300] });
    const quic = find(out, { protocol: 'udp', localPort: 61234 });
    expect(quic).toMatchObject({ state: 'ESTABLISHED', remoteAddress: '142.250.185.78', remotePort: 443 });
    const mdns = find(out, { protocol: 'udp', family: 4, localPort: 5353 });
    expect(mdns).toMatchObject({ state: 'UNCONN', localAddress: '0.0.0.0', remoteAddress: null, pids: [372, 777] });
    // Unbound UDP sockets ("*:*") of different processes share one identity: the model has no
    // other key for them on macOS.
    expect(find(out, { protocol: 'udp', family: 4, localPort: 0 }).pids).toEqual([372, 512]);
  });

  it('records lsof COMMAND, uid and login as hints (COMMAND is the 16-byte cut)', () => {
    expect(out.processes.get(777)).toEqual({ pid: 777, name: 'Google Chrome He', uid: 501, user: 'alice' });
    expect(out.processes.get(372)).toEqual({ pid: 372, name: 'mDNSResponder', uid: 65, user: '_mdnsresponder' });
    expect(out.processes.get(2202)).toEqual({ pid: 2202, name: 'nginx', uid: -2, user: 'nobody' });
    expect(out.processes.size).toBe(16);
  });

  it('reads the NUL-terminated (-F0) spelling identically', () => {
    expect(parseLsof(toNulForm(MACOS))).toEqual(out);
  });
});

describe('parseLsof on a real capture (lsof 4.95, Linux)', () => {
  const out = parseLsof(LINUX);

  it('parses the capture', () => {
    expect(out.skipped).toBe(0);
    expect(out.sockets).toHaveLength(13);
    expectWellFormed(out);
    expect(out.processes.get(4624)).toEqual({ pid: 4624, name: 'node', uid: 0, user: 'root' });
    expect(out.processes.get(4659)).toEqual({ pid: 4659, name: 'python3', uid: 0, user: 'root' });
  });

  it('merges a listener inherited by forked workers', () => {
    expect(find(out, { localPort: 43080 })).toMatchObject({
      protocol: 'tcp',
      family: 4,
      localAddress: '0.0.0.0',
      state: 'LISTEN',
      pids: [4624, 4636, 4637],
    });
  });

  it('reads listeners, UDP with and without a peer, link-local IPv6 and half-closed TCP', () => {
    expect(find(out, { localPort: 43000, state: 'LISTEN' })).toMatchObject({ family: 4, localAddress: '127.0.0.1' });
    expect(find(out, { localPort: 43001, state: 'LISTEN' })).toMatchObject({ family: 6, localAddress: '::1' });
    expect(find(out, { localPort: 43002, state: 'LISTEN' })).toMatchObject({ family: 6, localAddress: '::' });
    expect(find(out, { localPort: 43053 })).toMatchObject({ protocol: 'udp', state: 'UNCONN', localAddress: '0.0.0.0' });
    expect(find(out, { localPort: 43054 })).toMatchObject({ protocol: 'udp', family: 6, localAddress: 'fe80::fc:ff:fe00:1' });
    expect(find(out, { localPort: 58069 })).toMatchObject({ protocol: 'udp', state: 'ESTABLISHED', remoteAddress: '127.0.0.1', remotePort: 43053 });
    expect(find(out, { localPort: 43000, state: 'FIN_WAIT2' })).toMatchObject({ remotePort: 47024, pids: [4624] });
    expect(find(out, { localPort: 47024 })).toMatchObject({ state: 'CLOSE_WAIT', remotePort: 43000, pids: [4659] });
    expect(find(out, { localPort: 43002, state: 'ESTABLISHED' })).toMatchObject({ family: 4, localAddress: '127.0.0.1' });
  });

  it('reads the real -F0 capture identically', () => {
    expect(LINUX_NUL).toContain('\0');
    expect(parseLsof(LINUX_NUL)).toEqual(out);
  });
});

describe('parseLsof edge cases', () => {
  it('keeps zone ids written inside the brackets', () => {
    const out = parseLsof('p372\ncmDNSResponder\nf9\ntIPv6\nPUDP\nn[fe80::1%en0]:5353\n');
    expect(out.sockets[0]).toMatchObject({ family: 6, localAddress: 'fe80::1%en0', localPort: 5353, state: 'UNCONN' });
  });

  it('ignores fields it did not ask for, such as the kernel address in `d`', () => {
    const out = parseLsof('p41\nf3\ntIPv4\nd0x2eddb902ae36cf51\nPTCP\nn*:8080\nTST=LISTEN\nTQR=0\nTQS=0\n');
    expect(out.skipped).toBe(0);
    expect(out.sockets).toHaveLength(1);
  });

  it('starts a new file set on a repeated field when lsof printed no `f`', () => {
    const out = parseLsof('p7\ntIPv4\nPTCP\nn*:80\nTST=LISTEN\ntIPv6\nPTCP\nn*:81\nTST=LISTEN\n');
    expect(out.sockets.map((s) => [s.family, s.localPort])).toEqual([
      [4, 80],
      [6, 81],
    ]);
  });

  it('tolerates CRLF line ends', () => {
    const out = parseLsof(MACOS.replace(/\n/g, '\r\n'));
    expect(out.sockets).toHaveLength(37);
    expect(out.skipped).toBe(0);
  });

  it('counts an unreadable name as skipped and ignores non-TCP/UDP files', () => {
    const out = parseLsof('p1\nf3\ntIPv4\nPTCP\nnnot-an-address\nTST=LISTEN\nf4\ntIPv4\nPICMP\nn*:*\nf5\ntIPv4\nPUDP\nn*:53\n');
    expect(out.skipped).toBe(1);
    expect(out.samples).toEqual(['nnot-an-address']);
    expect(out.sockets).toHaveLength(1);
  });

  it('maps BSD and Linux state spellings', () => {
    expect(lsofTcpState('SYN_RCVD')).toBe('SYN_RECV');
    expect(lsofTcpState('CLOSED')).toBe('CLOSE');
    expect(lsofTcpState('FIN_WAIT_1')).toBe('FIN_WAIT1');
    expect(lsofTcpState('UNKNOWN_12')).toBe('UNKNOWN');
    expect(lsofTcpState(undefined)).toBe('UNKNOWN');
  });
});

describe('parseLsof never throws', () => {
  it('on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 500 }), (text) => {
        expectWellFormed(parseLsof(text));
      }),
      { numRuns: 500 },
    );
  });

  it('on field-shaped noise', () => {
    const tag = fc.constantFrom(...'pcuLftPnTdDsi#x '.split(''));
    const value = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('123', '*:*', '[::1]:80', 'ST=LISTEN', 'TCP', 'UDP', 'IPv6', '1.2.3.4:5->6.7.8.9:10'));
    const line = fc.tuple(tag, value).map(([t, v]) => t + v);
    fc.assert(
      fc.property(fc.array(line, { maxLength: 200 }), fc.constantFrom('\n', '\0', '\r\n'), (lines, sep) => {
        expectWellFormed(parseLsof(lines.join(sep)));
      }),
      { numRuns: 300 },
    );
  });

  it('on every truncation of the fixtures', () => {
    for (const text of [MACOS, LINUX, LINUX_NUL]) {
      for (let cut = 0; cut <= text.length; cut++) expectWellFormed(parseLsof(text.slice(0, cut)));
    }
  });

  it('skips and counts garbage lines without disturbing the sockets around them', () => {
    const lines = MACOS.trimEnd().split('\n');
    const garbage = fc.string({ maxLength: 40 }).map((s) => `#${s.replace(/[\n\0]/g, '')}`);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(lines.length), garbage), { maxLength: 30 }), (inserts) => {
        const copy = [...lines];
        for (const [at, g] of inserts) copy.splice(at % (copy.length + 1), 0, g);
        const out = parseLsof(copy.join('\n'));
        expect(out.skipped).toBe(inserts.length);
        expect(out.sockets).toHaveLength(37);
      }),
      { numRuns: 200 },
    );
  });

  it('on 100k lines', () => {
    const parts: string[] = [];
    for (let i = 0; i < 15_000; i++) {
      parts.push(`p${1000 + i}`, 'cnode', 'u501', 'Lalice', `f${i % 900}`, i % 2 ? 'tIPv6' : 'tIPv4', 'PTCP');
      parts.push(i % 2 ? `n[::1]:${1024 + (i % 60000)}->[::1]:443` : `n127.0.0.1:${1024 + (i % 60000)}->10.0.0.1:443`, 'TST=ESTABLISHED');
    }
    expect(parts.length).toBeGreaterThanOrEqual(100_000);
    const out = parseLsof(parts.join('\n'));
    expect(out.sockets).toHaveLength(15_000);
    expect(out.skipped).toBe(0);
  });
});

describe('DarwinCollector', () => {
  const run = (stdout: string, calls: string[][] = []) =>
    async (command: string, args: readonly string[]): Promise<{ stdout: string; stderr: string }> => {
      calls.push([command, ...args]);
      return { stdout, stderr: '' };
    };

  it('runs lsof with the fields the parser reads, and owns every socket', async () => {
    const calls: string[][] = [];
    const raw = await new DarwinCollector(run(MACOS, calls), () => true).collect();
    expect(calls).toEqual([['lsof', '-nP', '-w', '+c', '0', '-iTCP', '-iUDP', '-FpcuLftPnT']]);
    expect(raw).toMatchObject({ collector: 'darwin-lsof', elevated: true, skippedLines: 0, warnings: [] });
    expect(raw.sockets).toHaveLength(37);
    expect(raw.sockets.every((s) => s.owner === 'known')).toBe(true);
    expect(raw.processHints.get(777)?.name).toBe('Google Chrome He');
  });

  it('keeps only the local port asked for, and warns when not root', async () => {
    const calls: string[][] = [];
    const raw = await new DarwinCollector(run(MACOS, calls), () => false).collect({ port: 5173 });
    expect(calls[0]).toContain('-iTCP:5173');
    expect(raw.sockets.map((s) => s.localPort)).toEqual([5173, 5173, 5173]);
    expect(raw.elevated).toBe(false);
    expect(raw.warnings[0]).toMatch(/sudo porthole/);
  });

  it('turns a failing lsof into a CollectorError', async () => {
    const failing = async (): Promise<never> => {
      throw new Error('lsof is not installed or not on PATH');
    };
    await expect(new DarwinCollector(failing).collect()).rejects.toMatchObject({ name: 'CollectorError', collector: 'darwin-lsof' });
  });
});
