// A warm poll reuses what did not change: ss lines parsed last poll keep their ParsedSocket, and
// the engine hands back last poll's Socket when the collector's OwnedSocket and its owner's
// ProcessInfo are the same objects. The answers must stay those of a cold parse / a fresh engine.
import { describe, expect, it } from 'vitest';
import { parseSs, SsLineCache } from '../../main/core/collect/parse/ss.js';
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
    // Only the latest poll's lines are kept.
    expect(cache.lines.size).toBe(3);
    parseSs(LISTEN, cache);
    expect([...cache.lines.keys()]).toEqual([LISTEN]);
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
