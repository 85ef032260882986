// A warm poll reuses what did not change: ss lines parsed last poll keep their ParsedSocket, and
// the engine hands back last poll's Socket when the collector's OwnedSocket and its owner's
// ProcessInfo are the same objects. The answers must stay those of a cold parse / a fresh engine.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSs, SsLineCache } from '../../main/core/collect/parse/ss.js';
import type { ParsedSocket } from '../../main/core/collect/parse/types.js';
import type { Collector, OwnedSocket, RawCollection } from '../../main/core/collect/types.js';
import { Engine } from '../../main/core/engine.js';
import type { ProcessInfo } from '../../main/core/model.js';
import type { ProcessDescriber } from '../../main/core/processes.js';
import { proc } from './snapshot-builders.js';

const LISTEN = 'tcp   LISTEN 0      511        127.0.0.1:5173      0.0.0.0:*    uid:1000 ino:1001 sk:1 cgroup:/ <->';
const CONN = 'tcp   ESTAB  0      0          127.0.0.1:5173    127.0.0.1:40000 uid:1000 ino:1002 sk:2 cgroup:/ <->';
const BUSY = (q: number) => `tcp   ESTAB  ${q}      0      127.0.0.1:40000    127.0.0.1:5173 uid:1000 ino:1003 sk:3 cgroup:/ <->`;

describe('parseSs with a line cache', () => {
  it('answers as without it, reusing the objects of unchanged lines only', () => {
    const cache = new SsLineCache();
    const first = [LISTEN, CONN, BUSY(0), 'garbage line', ''].join('\n');
    const a = parseSs(first, cache);
    expect(a).toEqual(parseSs(first));
    const second = [LISTEN, CONN, BUSY(7), 'garbage line', ''].join('\n');
    const b = parseSs(second, cache);
    expect(b).toEqual(parseSs(second));
    expect(b.skipped).toBe(1);
    expect(b.sockets[0]).toBe(a.sockets[0]);
    expect(b.sockets[1]).toBe(a.sockets[1]);
    expect(b.sockets[2]).not.toBe(a.sockets[2]);
    // The line not repeated (its queue changed) is reported by inode, for the owner index.
    expect(cache.dropped).toEqual([1003]);
    // Only the latest poll's lines are kept.
    expect(cache.lines).toHaveLength(3);
    parseSs(LISTEN, cache);
    expect(cache.lines).toEqual([LISTEN]);
  });

  it('over any sequence of polls, answers as a cold parse, and reuses the lines kept in order', () => {
    // Each poll keeps some of 300 sockets in the kernel's order, changes the queues of some, and
    // may move a few by any distance: near (found by looking around the cursor) or far (found once
    // the cache gives up on order and indexes every line, or parsed afresh before that).
    const line = (n: number, q: number) => `tcp   ESTAB  ${q}      0      127.0.0.1:${10000 + n}    127.0.0.1:5173 uid:1000 ino:${5000 + n} sk:${n} cgroup:/ <->`;
    const pool = Array.from({ length: 300 }, (_, n) => n);
    const arbPoll = fc.record({
      kept: fc.subarray(pool),
      busy: fc.uniqueArray(fc.nat(299), { maxLength: 20 }),
      moves: fc.array(fc.tuple(fc.nat(299), fc.nat(299)), { maxLength: 3 }),
      garbage: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(arbPoll, { minLength: 1, maxLength: 5 }), (polls) => {
        const cache = new SsLineCache();
        let last = new Map<string, ParsedSocket>();
        let moved = false;
        for (const { kept, busy, moves, garbage } of polls) {
          const order = [...kept];
          for (const [from, to] of moves) if (from < order.length && to < order.length) order.splice(to, 0, ...order.splice(from, 1));
          const lines = order.map((n) => line(n, busy.includes(n) ? 1 : 0));
          const text = (garbage ? [...lines.slice(0, 5), 'garbage line', ...lines.slice(5)] : lines).join('\n');
          const warm = parseSs(text, cache);
          expect(warm).toEqual(parseSs(text));
          const now = new Map<string, ParsedSocket>();
          let missed = 0;
          warm.sockets.forEach((socket, i) => {
            if (last.has(lines[i]!) && socket !== last.get(lines[i]!)) missed++;
            now.set(lines[i]!, socket);
          });
          // Lines kept in order are reused, but for a few after each gap (a block of sockets gone)
          // before the cache gives up on order and looks lines up by their text.
          const previous = [...last.keys()];
          const gaps = lines.filter((l, i) => i > 0 && previous.indexOf(l) !== previous.indexOf(lines[i - 1]!) + 1).length + 1;
          if (!moved && moves.length === 0) expect(missed).toBeLessThanOrEqual(8 * gaps);
          last = now;
          moved = moves.length > 0;
        }
      }),
      { numRuns: 100 },
    );
  });

  it('hands back the same objects for the same text, with nothing dropped, then sees a change', () => {
    const cache = new SsLineCache();
    const text = [LISTEN, CONN, 'garbage line', BUSY(0)].join('\n');
    const a = parseSs(text, cache);
    // Equal text, another string: what ss prints on a quiet machine.
    const again = parseSs([LISTEN, CONN, 'garbage line', BUSY(0)].join('\n'), cache);
    expect(again).toEqual(parseSs(text));
    expect(again.skipped).toBe(1);
    expect(again.sockets.every((s, i) => s === a.sockets[i])).toBe(true);
    expect(cache.unchanged).toBe(true);
    expect(cache.dropped).toEqual([]);

    const next = [LISTEN, BUSY(3)].join('\n');
    const changed = parseSs(next, cache);
    expect(changed).toEqual(parseSs(next));
    expect(changed.sockets[0]).toBe(a.sockets[0]);
    expect(cache.unchanged).toBe(false);
    expect(cache.dropped).toEqual([1002, 1003]);
  });

  it('finds lines that moved far once order is lost, without re-parsing them', () => {
    const line = (n: number) => `udp   UNCONN 0      0      127.0.0.1:${20000 + n}    0.0.0.0:* ino:${7000 + n} sk:${n} cgroup:/ <->`;
    const cache = new SsLineCache();
    const lines = Array.from({ length: 2000 }, (_, n) => line(n));
    const first = parseSs(lines.join('\n'), cache);
    const reversed = parseSs([...lines].reverse().join('\n'), cache);
    expect(reversed).toEqual(parseSs([...lines].reverse().join('\n')));
    const reused = reversed.sockets.filter((s, i) => s === first.sockets[lines.length - 1 - i]).length;
    // The first few misses are parsed afresh; after that every line is found by its text.
    expect(reused).toBeGreaterThan(1990);
  });

  it('gives a line repeated within one poll its own object', () => {
    const cache = new SsLineCache();
    parseSs(LISTEN, cache);
    const out = parseSs([LISTEN, LISTEN].join('\n'), cache);
    expect(out.sockets).toHaveLength(2);
    expect(out.sockets[0]).not.toBe(out.sockets[1]);
    expect(out.sockets[0]).toEqual(out.sockets[1]);
  });
});

function owned(port: number, pids: number[]): OwnedSocket {
  return {
    protocol: 'tcp',
    family: 4,
    localAddress: '127.0.0.1',
    localPort: port,
    remoteAddress: null,
    remotePort: null,
    state: 'LISTEN',
    inode: port,
    uid: 1000,
    v6Only: null,
    pids,
    owner: pids.length > 0 ? 'known' : 'none',
  };
}

describe('Engine: reusing last poll sockets', () => {
  it('keeps a Socket while its OwnedSocket and owner ProcessInfo are the same objects', async () => {
    let sockets: OwnedSocket[] = [];
    let processes = new Map<number, ProcessInfo>();
    const collector: Collector = {
      name: 'linux-ss',
      collect: async (): Promise<RawCollection> => ({ collector: 'linux-ss', sockets, processHints: new Map(), skippedLines: 0, warnings: [], elevated: false }),
    };
    const describer: ProcessDescriber = { describe: async () => processes };
    const engine = new Engine({ collector, describer });

    const vite = owned(5173, [10]);
    const pg = owned(5432, [20]);
    sockets = [vite, pg];
    processes = new Map([
      [10, proc(10, { name: 'node', command: 'node vite', argv: ['node', 'vite'] })],
      [20, proc(20, { name: 'postgres' })],
    ]);
    const one = await engine.snapshot();
    const two = await engine.snapshot();
    expect(two.sockets[0]).toBe(one.sockets[0]);
    expect(two.sockets[1]).toBe(one.sockets[1]);

    // The same process read afresh (an equal, new object): nothing is rebuilt, the old object stays.
    processes = new Map([...processes].map(([pid, info]) => [pid, { ...info }]));
    const again = await engine.snapshot();
    expect(again.sockets[0]).toBe(one.sockets[0]);
    expect(again.processes.get(10)).toBe(one.processes.get(10));

    // A new owner object: the label is computed again. A new OwnedSocket: a new Socket.
    processes = new Map([...processes, [10, proc(10, { name: 'python3' })]]);
    sockets = [vite, owned(5432, [20])];
    const three = await engine.snapshot();
    expect(three.sockets[0]).not.toBe(two.sockets[0]);
    expect(three.sockets[0]!.service).toEqual(await new Engine({ collector, describer }).snapshot().then((s) => s.sockets[0]!.service));
    expect(three.sockets[1]).not.toBe(two.sockets[1]);
    expect(three.sockets[1]).toEqual(two.sockets[1]);

    // A port-filtered poll neither uses nor replaces the cache.
    const filtered = await engine.snapshot({ port: 5173 });
    expect(filtered.sockets[0]).not.toBe(three.sockets[0]);
    const four = await engine.snapshot();
    expect(four.sockets[0]).toBe(three.sockets[0]);

    // The same OwnedSocket twice in one poll: two Sockets.
    sockets = [vite, vite];
    const five = await engine.snapshot();
    expect(five.sockets[0]).not.toBe(five.sockets[1]);
  });
});

describe('Engine: a poll that changes nothing', () => {
  it("hands back last poll's sockets and conflicts for the collector's very list, and rebuilds when anything moves", async () => {
    let sockets: OwnedSocket[] = [];
    let processes = new Map<number, ProcessInfo>();
    let watched: number[] = [];
    const collector: Collector = {
      name: 'linux-ss',
      collect: async (): Promise<RawCollection> => ({ collector: 'linux-ss', sockets, processHints: new Map(), skippedLines: 0, warnings: [], elevated: false }),
    };
    const describer: ProcessDescriber = { describe: async () => processes };
    const engine = new Engine({ collector, describer, watchedPorts: () => watched });
    const fresh = () => new Engine({ collector, describer, watchedPorts: () => watched }).snapshot();

    sockets = [owned(5173, [10]), owned(5432, [20])];
    processes = new Map([
      [10, proc(10, { name: 'node', command: 'node vite', argv: ['node', 'vite'] })],
      [20, proc(20, { name: 'postgres' })],
    ]);
    const one = await engine.snapshot();
    const two = await engine.snapshot();
    expect(two.sockets).toBe(one.sockets);
    expect(two.conflicts).toBe(one.conflicts);

    // A pinned port taken: the conflicts are worked out again, the sockets stay.
    watched = [5432];
    const pinned = await engine.snapshot();
    expect(pinned.conflicts).toEqual((await fresh()).conflicts);
    expect(pinned.conflicts.length).toBe(one.conflicts.length + 1);

    // An owner that is not the same process any more: its socket's label is computed again.
    processes = new Map([...processes, [10, proc(10, { name: 'python3' })]]);
    const renamed = await engine.snapshot();
    expect(renamed.sockets).not.toBe(pinned.sockets);
    expect(renamed.sockets[0]).not.toBe(pinned.sockets[0]);
    expect(renamed.sockets[1]).toBe(pinned.sockets[1]);
    expect(renamed).toMatchObject({ sockets: (await fresh()).sockets, conflicts: (await fresh()).conflicts });

    // Quiet polls in between do not age what the next changed poll may reuse.
    await engine.snapshot();
    await engine.snapshot();
    sockets = [sockets[0]!, sockets[1]!, owned(8080, [20])];
    const grown = await engine.snapshot();
    expect(grown.sockets[0]).toBe(renamed.sockets[0]);
    expect(grown.sockets[1]).toBe(renamed.sockets[1]);
    expect(grown.sockets).toHaveLength(3);
  });
});
