// The elevated collector's output, parsed by a process that does not trust it: every line is
// validated, bad lines are counted and skipped, and nothing a writer sends can crash the reader.
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { JsonProcess, JsonSnapshot, JsonSocket } from '../../../main/cli/output/json.js';
import { LineSplitter } from '../../../main/core/elevate/lines.js';
import { parseStreamLine, type StreamProcess, type StreamSocket } from '../../../main/core/elevate/schema.js';
import { StreamState } from '../../../main/core/elevate/stream-state.js';

const at = '2025-01-01T00:00:00.000Z';

function sock(over: Partial<JsonSocket> = {}): JsonSocket {
  return {
    protocol: 'tcp',
    family: 4,
    localAddress: '127.0.0.1',
    localPort: 3000,
    remoteAddress: null,
    remotePort: null,
    state: 'LISTEN',
    pids: [42],
    ownerHidden: false,
    hiddenReason: null,
    service: 'http-alt',
    ...over,
  };
}

function proc(pid: number, over: Partial<JsonProcess> = {}): JsonProcess {
  return { pid, name: 'node', command: `node server-${pid}.js`, cwd: '/srv', user: 'root', startTime: at, exe: '/usr/bin/node', ppid: 1, parentName: 'systemd', ...over };
}

function snapshotLine(sockets: JsonSocket[], processes: JsonProcess[], extra: Partial<JsonSnapshot> = {}): string {
  const snap: JsonSnapshot = { version: 1, takenAt: at, collector: 'linux-ss', elevated: true, warnings: [], sockets, processes, conflicts: [], ...extra };
  return JSON.stringify({ type: 'snapshot', ...snap });
}

const event = (type: 'added' | 'removed' | 'changed', socket: JsonSocket, processes: JsonProcess[] = []) => JSON.stringify({ type, at, socket, processes });

describe('the schema mirrors the --json contract', () => {
  it('accepts what the CLI types describe', () => {
    expectTypeOf<JsonSocket>().toExtend<Omit<StreamSocket, 'inode' | 'uid' | 'v6Only'>>();
    expectTypeOf<JsonProcess>().toExtend<StreamProcess>();
  });

  it('parses a watch snapshot, a bare list snapshot, events and errors', () => {
    expect(parseStreamLine(snapshotLine([sock()], [proc(42)]))).toMatchObject({ type: 'snapshot', processes: [{ pid: 42, parentName: 'systemd' }] });
    // A collector from before parentName existed streams all the same.
    expect(parseStreamLine(snapshotLine([sock()], [{ ...proc(42), parentName: undefined } as unknown as JsonProcess]))?.type).toBe('snapshot');
    const list = JSON.parse(snapshotLine([sock()], [proc(42)])) as Record<string, unknown>;
    delete list.type;
    expect(parseStreamLine(JSON.stringify(list))).toMatchObject({ type: 'snapshot', sockets: [{ localPort: 3000 }] });
    expect(parseStreamLine(event('added', sock()))?.type).toBe('added');
    expect(parseStreamLine(JSON.stringify({ type: 'error', at, message: 'ss failed', retryInMs: 1000 }))?.type).toBe('error');
  });

  it('ignores fields a newer CLI adds, and uses inode/uid/v6Only when present', () => {
    const line = snapshotLine([{ ...sock({ family: 6, localAddress: '::' }), inode: 77, uid: 0, v6Only: false, future: 'x' } as JsonSocket], []);
    const parsed = parseStreamLine(line);
    expect(parsed?.type === 'snapshot' && parsed.sockets[0]).toMatchObject({ inode: 77, uid: 0, v6Only: false });
  });

  it('rejects out-of-range and oversized values', () => {
    expect(parseStreamLine(snapshotLine([sock({ localPort: 70000 })], []))).toBeNull();
    expect(parseStreamLine(snapshotLine([sock({ state: 'listen; rm -rf' })], []))).toBeNull();
    expect(parseStreamLine(snapshotLine([sock({ localAddress: 'x'.repeat(5000) })], []))).toBeNull();
    expect(parseStreamLine(snapshotLine([], [proc(1, { startTime: 'yesterday' })]))).toBeNull();
    expect(parseStreamLine(JSON.stringify({ type: 'deleted', at, socket: sock(), processes: [] }))).toBeNull();
  });
});

describe('fuzz: garbage never crashes the reader', () => {
  it('random text is counted as bad lines', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 200 }), { maxLength: 30 }), (lines) => {
        const state = new StreamState('linux-ss');
        for (const line of lines) state.acceptLine(line);
        expect(state.goodLines + state.badLines).toBe(lines.length);
        expect(state.hasSnapshot).toBe(false);
      }),
    );
  });

  it('random JSON values never throw and never count as a snapshot', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue({ maxDepth: 4 }), { maxLength: 20 }), (values) => {
        const state = new StreamState('linux-ss');
        for (const v of values) state.acceptLine(JSON.stringify(v));
        expect(() => state.toRaw()).not.toThrow();
      }),
    );
  });

  it('valid lines with random corruption: parsed or counted, never thrown', () => {
    const valid = snapshotLine([sock(), sock({ localPort: 5432, pids: [7] })], [proc(42), proc(7)]);
    fc.assert(
      fc.property(fc.nat(valid.length - 1), fc.string({ maxLength: 3 }), fc.nat(5), (pos, insert, cut) => {
        const broken = valid.slice(0, pos) + insert + valid.slice(pos + cut);
        const state = new StreamState('linux-ss');
        state.acceptLine(broken);
        expect(state.goodLines + state.badLines).toBe(1);
        if (state.hasSnapshot) for (const s of state.toRaw().sockets) expect(Number.isInteger(s.localPort)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('valid random sockets always produce sockets (property)', () => {
    const arbSocket = fc.record({
      protocol: fc.constantFrom('tcp' as const, 'udp' as const),
      family: fc.constantFrom(4 as const, 6 as const),
      localAddress: fc.constantFrom('127.0.0.1', '0.0.0.0', '::', '::1', 'fe80::1%eth0'),
      localPort: fc.integer({ min: 0, max: 65535 }),
      remoteAddress: fc.option(fc.ipV4(), { nil: null }),
      remotePort: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: null }),
      state: fc.constantFrom('LISTEN', 'ESTABLISHED', 'UNCONN', 'TIME_WAIT', 'SOMETHING_NEW'),
      pids: fc.uniqueArray(fc.integer({ min: 1, max: 4_000_000 }), { maxLength: 4 }),
      ownerHidden: fc.boolean(),
      hiddenReason: fc.option(fc.string({ maxLength: 50 }), { nil: null }),
      service: fc.option(fc.string({ maxLength: 20 }), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(arbSocket, { maxLength: 40 }), (sockets) => {
        const state = new StreamState('linux-ss');
        expect(state.acceptLine(snapshotLine(sockets, []))).not.toBeNull();
        const raw = state.toRaw();
        expect(raw.sockets).toHaveLength(sockets.length);
        for (const s of raw.sockets) {
          expect(s.owner).toBe(s.owner === 'hidden' ? 'hidden' : s.pids.length > 0 ? 'known' : 'none');
          if (s.owner === 'hidden') expect(s.hiddenReason).toBeTruthy();
        }
      }),
    );
  });
});

describe('LineSplitter', () => {
  it('reassembles lines split at any byte, multi-byte characters included (property)', () => {
    const lines = ['{"name":"naïve 日本 ✓"}', 'second', '{"emoji":"🚀"}'];
    const bytes = Buffer.from(lines.join('\n') + '\n', 'utf8');
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 10 }), (cuts) => {
        const got: string[] = [];
        const splitter = new LineSplitter((l) => got.push(l));
        let prev = 0;
        for (const c of [...cuts].sort((a, b) => a - b)) {
          splitter.push(bytes.subarray(prev, c));
          prev = c;
        }
        splitter.push(bytes.subarray(prev));
        splitter.end();
        expect(got).toEqual(lines);
      }),
    );
  });

  it('drops (and counts) a line longer than the ceiling, then carries on', () => {
    const got: string[] = [];
    let dropped = 0;
    const splitter = new LineSplitter((l) => got.push(l), 16, () => dropped++);
    splitter.push(Buffer.from('short\n' + 'x'.repeat(10)));
    splitter.push(Buffer.from('y'.repeat(10) + '\nafter\r\nlast'));
    splitter.end();
    expect(got).toEqual(['short', 'after', 'last']);
    expect(dropped).toBe(1);
  });
});

describe('StreamState: the latest snapshot with changes applied', () => {
  it('applies added, changed and removed events', () => {
    const state = new StreamState('linux-ss');
    state.acceptLine(snapshotLine([sock(), sock({ localPort: 22, pids: [], ownerHidden: true, hiddenReason: null })], [proc(42)]));
    state.acceptLine(event('added', sock({ localPort: 8080, pids: [9] }), [proc(9, { name: 'python3' })]));
    state.acceptLine(event('changed', sock({ localPort: 8080, pids: [9, 10] }), [proc(9), proc(10)]));
    state.acceptLine(event('removed', sock()));
    const raw = state.toRaw();
    expect(raw.sockets.map((s) => [s.localPort, s.pids, s.owner])).toEqual([
      [22, [], 'hidden'],
      [8080, [9, 10], 'known'],
    ]);
    expect(raw.sockets[0]!.hiddenReason).toMatch(/could not see/);
    expect(raw.elevated).toBe(true);
    expect(state.describe([10]).get(10)).toMatchObject({ command: 'node server-10.js', cwd: '/srv', startTime: Date.parse(at) });
    expect(raw.processHints.get(9)).toEqual({ pid: 9, name: 'node', user: 'root' });
  });

  it('tells apart sockets that share endpoints by their owners', () => {
    const a = sock({ protocol: 'udp', localAddress: '0.0.0.0', localPort: 5353, state: 'UNCONN', pids: [1] });
    const b = { ...a, pids: [2] };
    const state = new StreamState('linux-ss');
    state.acceptLine(snapshotLine([a, b], []));
    state.acceptLine(event('removed', b));
    expect(state.toRaw().sockets.map((s) => s.pids)).toEqual([[1]]);
  });

  it('filters by port, reports bad lines and poll errors as warnings', () => {
    const state = new StreamState('darwin-lsof');
    state.acceptLine('not json');
    state.acceptLine(snapshotLine([sock(), sock({ localPort: 22 })], [], { collector: 'made-up', warnings: ['lsof was slow'] }));
    state.acceptLine(JSON.stringify({ type: 'error', at, message: 'lsof timed out', retryInMs: 2000 }));
    const raw = state.toRaw({ port: 22 });
    expect(raw.sockets.map((s) => s.localPort)).toEqual([22]);
    expect(raw.collector).toBe('darwin-lsof'); // an unknown collector name keeps the default
    expect(raw.skippedLines).toBe(1);
    expect(raw.warnings).toEqual(['lsof was slow', "The elevated collector's last poll failed: lsof timed out", 'Ignored 1 unreadable line(s) from the elevated collector.']);
  });

  it('maps states it does not know to UNKNOWN', () => {
    const state = new StreamState('linux-ss');
    state.acceptLine(snapshotLine([sock({ state: 'NEW_SYN_RECV' })], []));
    expect(state.toRaw().sockets[0]!.state).toBe('UNKNOWN');
  });
});
