// The polling loop, driven by a scripted SnapshotSource (the monitor's own input interface: a list
// of snapshots and failures) and fake timers, so that every schedule it makes can be checked.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { applyDelta } from '../../main/core/diff.js';
import type { Snapshot } from '../../main/core/model.js';
import { MIN_INTERVAL_MS, Monitor, type MonitorEvent, type SnapshotSource } from '../../main/core/monitor.js';
import { content, proc, snap, sock } from './snapshot-builders.js';

type Step = Snapshot | Error | ((call: number) => Promise<Snapshot>);

/** Answers each call with the next step; the last step repeats. Records when each call started. */
class ScriptedSource implements SnapshotSource {
  calls: number[] = [];
  active = 0;
  maxActive = 0;
  constructor(private readonly steps: Step[]) {}
  async snapshot(): Promise<Snapshot> {
    const call = this.calls.length;
    this.calls.push(Date.now());
    const step = this.steps[Math.min(call, this.steps.length - 1)]!;
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      if (step instanceof Error) throw step;
      if (typeof step === 'function') return await step(call);
      return { ...step, takenAt: Date.now() };
    } finally {
      this.active--;
    }
  }
}

const a = sock({ localPort: 3000, inode: 1, pids: [100] });
const b = sock({ localPort: 4000, inode: 2, pids: [200] });
const c = sock({ localPort: 5000, inode: 3, pids: [300] });
const S1 = snap([a, b], [proc(100), proc(200)]);
const S2 = snap([a, { ...b, pids: [200, 201] }, c], [proc(100), proc(200), proc(201), proc(300)]);
const S3 = snap([c], [proc(300)]);

let monitor: Monitor | undefined;

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});

afterEach(() => {
  monitor?.stop();
  monitor = undefined;
  vi.useRealTimers();
});

function start(source: SnapshotSource, options: ConstructorParameters<typeof Monitor>[1] = {}): { m: Monitor; events: MonitorEvent[] } {
  const m = new Monitor(source, { intervalMs: 1000, ...options });
  monitor = m;
  const events: MonitorEvent[] = [];
  m.subscribe((e) => events.push(e));
  m.start();
  return { m, events };
}

describe('Monitor', () => {
  it('gives the first subscriber a full snapshot, then deltas, one poll per interval', async () => {
    const source = new ScriptedSource([S1, S2, S3]);
    const { events } = start(source);
    await vi.advanceTimersByTimeAsync(0);
    expect(events.map((e) => e.type)).toEqual(['snapshot']);
    expect(events[0]).toMatchObject({ seq: 1 });
    const first = (events[0] as Extract<MonitorEvent, { type: 'snapshot' }>).snapshot;
    expect(content(first).sockets).toEqual(content(S1).sockets);

    await vi.advanceTimersByTimeAsync(999);
    expect(source.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(source.calls).toHaveLength(2);
    expect(events[1]).toMatchObject({ type: 'delta', seq: 2 });
    const d1 = (events[1] as Extract<MonitorEvent, { type: 'delta' }>).delta;
    expect(d1.added.map((s) => s.key)).toEqual([c.key]);
    expect(d1.changed.map((s) => s.pids)).toEqual([[200, 201]]);
    expect(d1.removed).toEqual([]);
    expect(d1.processesUpserted.map((p) => p.pid)).toEqual([201, 300]);

    await vi.advanceTimersByTimeAsync(1000);
    const d2 = (events[2] as Extract<MonitorEvent, { type: 'delta' }>).delta;
    expect(d2.removed.sort()).toEqual([a.key, b.key].sort());
    expect(d2.processesRemoved).toEqual([100, 200, 201]);

    // A consumer that applies what it was sent holds what the monitor holds.
    const replayed = [d1, d2].reduce(applyDelta, first);
    expect(content(replayed)).toEqual(content(monitor!.snapshot!));
    expect(source.calls).toEqual([1_000_000, 1_001_000, 1_002_000]);
  });

  it('gives a late subscriber the current full snapshot first, then the same deltas as everyone', async () => {
    const source = new ScriptedSource([S1, S2, S3]);
    const { m, events } = start(source);
    await vi.advanceTimersByTimeAsync(1000);
    const late: MonitorEvent[] = [];
    m.subscribe((e) => late.push(e));
    expect(late).toHaveLength(1);
    expect(late[0]).toMatchObject({ type: 'snapshot', seq: 2 });
    // The snapshot it gets is the monitor's current one (unchanged rows keep their objects).
    expect((late[0] as Extract<MonitorEvent, { type: 'snapshot' }>).snapshot).toBe(m.snapshot);
    expect(content(m.snapshot!).sockets).toEqual(content(S2).sockets);

    await vi.advanceTimersByTimeAsync(1000);
    expect(late.slice(1)).toEqual([events[2]]);
    expect(late[1]).toMatchObject({ type: 'delta', seq: 3 });
  });

  it('sends nothing to a listener after it unsubscribes, and a throwing listener stops no one', async () => {
    const source = new ScriptedSource([S1, S2]);
    const m = new Monitor(source, { intervalMs: 1000 });
    monitor = m;
    const got: string[] = [];
    m.subscribe(() => {
      throw new Error('broken subscriber');
    });
    const off = m.subscribe((e) => got.push(`a:${e.type}`));
    m.subscribe((e) => got.push(`b:${e.type}`));
    m.start();
    await vi.advanceTimersByTimeAsync(0);
    off();
    await vi.advanceTimersByTimeAsync(1000);
    expect(got).toEqual(['a:snapshot', 'b:snapshot', 'b:delta']);
    expect(source.calls).toHaveLength(2);
  });

  it('keeps the last good snapshot through failures, backs off, and recovers', async () => {
    const boom = new Error('ss failed (exit 1): Cannot open netlink socket');
    const source = new ScriptedSource([S1, boom, boom, boom, boom, boom, S2]);
    const { m, events } = start(source, { intervalMs: 1000, maxRetryMs: 5000 });
    await vi.advanceTimersByTimeAsync(0);
    const good = m.snapshot;
    const goodAt = good!.takenAt;

    const errors = () => events.filter((e): e is Extract<MonitorEvent, { type: 'error' }> => e.type === 'error');
    await vi.advanceTimersByTimeAsync(1000);
    expect(errors()).toHaveLength(1);
    expect(errors()[0]).toMatchObject({ seq: 1, message: boom.message, retryInMs: 1000, lastGoodAt: goodAt, at: 1_001_000 });
    expect(m.snapshot).toBe(good);

    // Each failure waits longer before the next try: 1 s, 2 s, 4 s, then the 5 s cap.
    await vi.advanceTimersByTimeAsync(1000 + 2000 + 4000 + 5000);
    expect(errors().map((e) => e.retryInMs)).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect(source.calls.map((t) => t - 1_000_000)).toEqual([0, 1000, 2000, 4000, 8000, 13000]);
    expect(m.snapshot).toBe(good);

    // The next success is a delta against the last good snapshot, and the pace is back to normal.
    await vi.advanceTimersByTimeAsync(5000);
    expect(events.at(-1)).toMatchObject({ type: 'delta', seq: 2 });
    expect((events.at(-1) as Extract<MonitorEvent, { type: 'delta' }>).delta.added.map((s) => s.key)).toEqual([c.key]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(source.calls.map((t) => t - 1_000_000).slice(-2)).toEqual([18000, 19000]);
  });

  it('reports a failing first poll with no last good snapshot', async () => {
    const { m, events } = start(new ScriptedSource([new Error('nope'), S1]));
    await vi.advanceTimersByTimeAsync(0);
    expect(events).toEqual([{ type: 'error', seq: 0, message: 'nope', at: 1_000_000, retryInMs: 1000, lastGoodAt: null }]);
    expect(m.snapshot).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1000);
    expect(events[1]).toMatchObject({ type: 'snapshot', seq: 1 });
  });

  it('stops polling while paused, and polls at once on resume', async () => {
    const source = new ScriptedSource([S1, S2, S3]);
    const { m } = start(source);
    await vi.advanceTimersByTimeAsync(0);
    m.pause();
    expect(m.isPaused).toBe(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(source.calls).toHaveLength(1);
    m.resume();
    await vi.advanceTimersByTimeAsync(0);
    expect(source.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(source.calls).toHaveLength(3);
  });

  it('publishes nothing from a poll that was under way when paused, and polls no more', async () => {
    let release!: () => void;
    const slow = () => new Promise<Snapshot>((resolve) => (release = () => resolve(S2)));
    const source = new ScriptedSource([S1, slow, S3]);
    const { m, events } = start(source);
    await vi.advanceTimersByTimeAsync(1000);
    expect(source.calls).toHaveLength(2);
    const frozen = m.snapshot;
    m.pause();
    release();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(source.calls).toHaveLength(2);
    // The table a user paused stays as it was.
    expect(events.map((e) => e.type)).toEqual(['snapshot']);
    expect(m.snapshot).toBe(frozen);
    // Asked for explicitly while paused, a poll does publish.
    await m.pollNow();
    expect(events.map((e) => e.type)).toEqual(['snapshot', 'delta']);
    m.stop();
  });

  it('resumed while a dropped poll is under way: polls as soon as it ends, never two at once', async () => {
    let release!: () => void;
    const slow = () => new Promise<Snapshot>((resolve) => (release = () => resolve(S2)));
    const source = new ScriptedSource([S1, slow, S3]);
    const { m, events } = start(source);
    await vi.advanceTimersByTimeAsync(1000);
    m.pause();
    m.resume();
    await vi.advanceTimersByTimeAsync(0);
    expect(source.calls).toHaveLength(2);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(source.calls).toHaveLength(3);
    expect(source.maxActive).toBe(1);
    // The dropped poll's S2 was never published; the fresh one (S3) is, as a delta from S1.
    expect(events.map((e) => e.type)).toEqual(['snapshot', 'delta']);
    const delta = (events[1] as Extract<MonitorEvent, { type: 'delta' }>).delta;
    expect(delta.removed.sort()).toEqual([a.key, b.key].sort());
  });

  it('publishes nothing after stop(), not even the poll under way', async () => {
    let release!: () => void;
    const slow = () => new Promise<Snapshot>((resolve) => (release = () => resolve(S2)));
    const source = new ScriptedSource([S1, slow]);
    const { m, events } = start(source);
    await vi.advanceTimersByTimeAsync(1000);
    m.stop();
    release();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(events.map((e) => e.type)).toEqual(['snapshot']);
    expect(source.calls).toHaveLength(2);
  });

  it('never runs two polls at once: a slow poll delays the next', async () => {
    // Each poll takes 2.5 s, longer than the 1 s interval.
    const slow = () => new Promise<Snapshot>((resolve) => setTimeout(() => resolve(S1), 2500));
    const source = new ScriptedSource([slow]);
    start(source);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(source.maxActive).toBe(1);
    // Start, +2.5 s of work, +1 s of rest, and so on.
    expect(source.calls.map((t) => t - 1_000_000)).toEqual([0, 3500, 7000, 10500, 14000, 17500]);
  });

  it('pollNow during a poll waits for one that starts after the call, shared by everyone who asked meanwhile', async () => {
    // The poll under way may have read the OS before the caller's change (a server it just started).
    const slow = () => new Promise<Snapshot>((resolve) => setTimeout(() => resolve(S1), 2500));
    const source = new ScriptedSource([slow]);
    const { m } = start(source);
    await vi.advanceTimersByTimeAsync(1000);
    let settled = 0;
    const asked = [m.pollNow(), m.pollNow()];
    expect(asked[0]).toBe(asked[1]);
    for (const p of asked) void p.then(() => settled++);
    await vi.advanceTimersByTimeAsync(1500);
    // The first poll has ended; the callers' own poll has just started, not ended.
    expect(source.calls.map((t) => t - 1_000_000)).toEqual([0, 2500]);
    expect(settled).toBe(0);
    await vi.advanceTimersByTimeAsync(2500);
    expect(settled).toBe(2);
    // Then the interval goes on from the end of that poll, still one at a time.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(source.maxActive).toBe(1);
    expect(source.calls.map((t) => t - 1_000_000)).toEqual([0, 2500, 6000, 9500, 13000]);
  });

  it('stops for good on stop(), and clamps the interval', async () => {
    const source = new ScriptedSource([S1]);
    const { m } = start(source, { intervalMs: 10 });
    expect(m.interval).toBe(MIN_INTERVAL_MS);
    await vi.advanceTimersByTimeAsync(MIN_INTERVAL_MS * 4);
    expect(source.calls).toHaveLength(5);
    m.setInterval(2000);
    expect(m.interval).toBe(2000);
    await vi.advanceTimersByTimeAsync(2000);
    expect(source.calls).toHaveLength(6);
    m.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(source.calls).toHaveLength(6);
  });
});
