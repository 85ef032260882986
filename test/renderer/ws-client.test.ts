import { describe, expect, it, vi } from 'vitest';
import type { ServerEvent, WsServerFrame } from '../../main/core/contract.js';
import { createWsApi, wsUrl, type WebSocketLike } from '../../renderer/ws-client.js';

class FakeSocket implements WebSocketLike {
  readyState = 0;
  sent: Array<{ id: number; verb: string; args: unknown[] }> = [];
  onopen: WebSocketLike['onopen'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onerror: WebSocketLike['onerror'] = null;
  constructor(readonly url: string) {}
  send(data: string) {
    if (this.readyState !== 1) throw new Error('not open');
    this.sent.push(JSON.parse(data));
  }
  close(code = 1000) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(frame: WsServerFrame) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

function harness() {
  const sockets: FakeSocket[] = [];
  const timers: Array<{ fn: () => void; ms: number }> = [];
  const api = createWsApi({
    url: 'ws://127.0.0.1:7777/abc/ws',
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    now: () => 42_000,
    setTimeout: (fn, ms) => timers.push({ fn, ms }),
    clearTimeout: () => undefined,
    random: () => 0.5,
  });
  const events: ServerEvent[] = [];
  api.onEvent((e) => events.push(e));
  return { api, sockets, timers, events, last: () => sockets[sockets.length - 1]! };
}

describe('wsUrl', () => {
  it("is the page's folder plus ws, whichever page of the folder it is, in the page's scheme", () => {
    const T = 'V2hhdCBhIHRva2VuIQ_-';
    for (const pathname of [`/${T}/`, `/${T}/index.html`, `/${T}/tray.html`]) {
      expect(wsUrl({ protocol: 'http:', host: '127.0.0.1:7777', pathname })).toBe(`ws://127.0.0.1:7777/${T}/ws`);
    }
    expect(wsUrl({ protocol: 'https:', host: 'localhost:9', pathname: `/${T}/` })).toBe(`wss://localhost:9/${T}/ws`);
    // A page served at the root (no token folder) gets the root's socket, which the server refuses.
    expect(wsUrl({ protocol: 'http:', host: 'localhost:9', pathname: '/' })).toBe('ws://localhost:9/ws');
  });
});

describe('createWsApi', () => {
  it('queues calls until open, then matches replies by id', async () => {
    const h = harness();
    expect(h.api.transport).toBe('websocket');
    const settings = h.api.call('getSettings');
    const diag = h.api.call('diagnose', 3000);
    h.last().open();
    expect(h.last().sent.map((f) => [f.verb, f.args])).toEqual([
      ['getSettings', []],
      ['diagnose', [3000]],
    ]);
    const [a, b] = h.last().sent;
    h.last().receive({ kind: 'reply', id: b!.id, ok: false, error: 'diagnose: nope' });
    h.last().receive({ kind: 'reply', id: a!.id, ok: true, result: { filter: 'x' } });
    await expect(settings).resolves.toEqual({ filter: 'x' });
    await expect(diag).rejects.toThrow('diagnose: nope');
  });

  it('passes events through and ignores garbage', () => {
    const h = harness();
    h.last().open();
    h.last().onmessage?.({ data: 'not json' });
    h.last().onmessage?.({ data: JSON.stringify({ kind: 'event' }) });
    h.last().receive({ kind: 'event', event: { type: 'status', status: { paused: true, intervalMs: 1000, idle: false } } });
    expect(h.events).toEqual([{ type: 'status', status: { paused: true, intervalMs: 1000, idle: false } }]);
  });

  it('reconnects with backoff, reports it, rejects what was in flight, and asks for a fresh snapshot', async () => {
    const h = harness();
    const ready = h.api.call('ready').catch((e: Error) => e);
    h.last().open();
    const pending = h.api.call('planKill', { target: { port: 3000 }, tree: false });
    h.last().drop();
    await expect(pending).rejects.toThrow(/lost/);
    expect(await ready).toBeInstanceOf(Error);
    expect(h.events.at(-1)).toMatchObject({ type: 'error', retryInMs: 500, at: 42_000 });
    expect(h.timers[0]!.ms).toBe(500);
    h.timers[0]!.fn();
    expect(h.sockets).toHaveLength(2);
    h.last().drop(); // still down: the wait doubles
    expect(h.timers[1]!.ms).toBe(1000);
    h.timers[1]!.fn();
    h.last().open();
    expect(h.last().sent.map((f) => f.verb)).toEqual(['ready']);
    h.last().drop(); // backoff starts again after a success
    expect(h.timers[2]!.ms).toBe(500);
  });

  it('while a lost link is retried, refuses an action at once (it would run whenever the link came back), and keeps state changes for the reconnect', async () => {
    const h = harness();
    void h.api.call('ready').catch(() => undefined);
    h.last().open();
    h.last().drop();
    // What a call has come to by the next macrotask: its error, 'resolved', or still 'pending'.
    const settled = (p: Promise<unknown>) => Promise.race([p.then(() => 'resolved', (e: Error) => e.message), new Promise((r) => setTimeout(() => r('pending'), 0))]);
    const actions = [
      h.api.call('planKill', { target: { port: 3000 }, tree: false }),
      h.api.call('kill', { target: { pid: 4821 }, tree: false, force: false, confirmed: [{ pid: 4821, startTime: 1 }] }),
      h.api.call('diagnose', 3000),
    ].map(settled);
    for (const outcome of await Promise.all(actions)) expect(outcome).toMatch(/^Not connected to Porthole/);
    expect(await settled(h.api.call('setSettings', { filter: 'port:3000' }))).toBe('pending');
    h.timers[0]!.fn();
    h.last().open();
    expect(h.last().sent.map((f) => f.verb)).toEqual(['ready', 'setSettings']);
    expect(h.last().sent.some((f) => f.verb === 'planKill' || f.verb === 'kill' || f.verb === 'diagnose')).toBe(false);
    // Connected again: actions go through as before.
    void h.api.call('diagnose', 3000);
    expect(h.last().sent.at(-1)!.verb).toBe('diagnose');
  });

  it("a tab's pause outlives a reconnect: it is said again before ready, so the fresh snapshot comes paused", () => {
    const h = harness();
    void h.api.call('ready').catch(() => undefined);
    h.last().open();
    void h.api.call('pause').catch(() => undefined);
    h.last().drop();
    h.timers[0]!.fn();
    h.last().open();
    expect(h.last().sent.map((f) => f.verb)).toEqual(['pause', 'ready']);
    void h.api.call('resume').catch(() => undefined);
    h.last().drop();
    h.timers[1]!.fn();
    h.last().open();
    expect(h.last().sent.map((f) => f.verb)).toEqual(['ready']);
  });

  it('stops retrying when the server refuses the token', () => {
    const h = harness();
    h.last().drop(1008);
    expect(h.timers).toHaveLength(0);
    expect(h.events.at(-1)).toMatchObject({ type: 'error', retryInMs: 0 });
    expect((h.events.at(-1) as { message: string }).message).toMatch(/refused this page.*whole address/);
  });

  it('asks whether the page is still admitted when a connection fails, and stops when it is not', async () => {
    const answers: Array<'admitted' | 'refused' | 'unknown'> = ['unknown', 'refused'];
    const timers: Array<{ fn: () => void; ms: number }> = [];
    const sockets: FakeSocket[] = [];
    const api = createWsApi({
      url: 'ws://127.0.0.1:7777/stale/ws',
      createSocket: (url) => (sockets.push(new FakeSocket(url)), sockets.at(-1)!),
      now: () => 42_000,
      setTimeout: (fn, ms) => timers.push({ fn, ms }),
      clearTimeout: () => undefined,
      random: () => 0.5,
      checkAdmission: async () => answers.shift()!,
    });
    const events: ServerEvent[] = [];
    api.onEvent((e) => events.push(e));
    sockets.at(-1)!.drop(1006); // server gone or refusing: unknown -> retry
    await vi.waitFor(() => expect(timers).toHaveLength(1));
    timers[0]!.fn();
    sockets.at(-1)!.drop(1006); // now the page itself answers 401: stop
    await vi.waitFor(() => expect((events.at(-1) as { message?: string }).message).toMatch(/refused this page/));
    expect(timers).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ retryInMs: 0 });
    api.close();
  });

  it("ignores a 'rejected' frame: no event, and calls in flight still get their own replies", async () => {
    const h = harness();
    const settings = h.api.call('getSettings');
    h.last().open();
    h.last().receive({ kind: 'rejected', error: 'not JSON; no usable id, so nothing ran' });
    expect(h.events).toEqual([]);
    h.last().receive({ kind: 'reply', id: h.last().sent[0]!.id, ok: true, result: { filter: 'x' } });
    await expect(settings).resolves.toEqual({ filter: 'x' });
  });

  it('close() stops everything', async () => {
    const h = harness();
    h.last().open();
    const p = h.api.call('pause');
    h.api.close();
    await expect(p).rejects.toThrow();
    expect(h.timers).toHaveLength(0);
  });
});
