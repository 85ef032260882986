// A page that stops reading is dropped instead of buffered without bound. The socket is a stand-in
// whose bufferedAmount the test sets: a real stalled reader would need megabytes of real traffic.
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import type { MonitorEvent } from '../../main/core/monitor.js';
import type { Snapshot } from '../../main/core/model.js';
import { attachSession, CLOSE_TOO_SLOW, MAX_BACKLOG_BYTES } from '../../main/serve/ws-transport.js';
import { PortholeService, type MonitorLike } from '../../main/service/service.js';
import { SettingsStore } from '../../main/service/settings-store.js';

class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  sent: string[] = [];
  closedWith: number | undefined;
  terminated = false;
  send(text: string): void {
    this.sent.push(text);
  }
  close(code: number): void {
    this.closedWith = code;
  }
  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
    this.emit('close');
  }
}

class FakeMonitor implements MonitorLike {
  private listener: ((e: MonitorEvent) => void) | undefined;
  subscribe(listener: (e: MonitorEvent) => void) {
    this.listener = listener;
    return () => (this.listener = undefined);
  }
  emit(e: MonitorEvent): void {
    this.listener?.(e);
  }
  start(): void {}
  pause(): void {}
  resume(): void {}
  setInterval(): void {}
  async pollNow(): Promise<void> {}
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'porthole-bp-'));
  dirs.push(dir);
  const monitor = new FakeMonitor();
  const service = new PortholeService({ monitor, settings: new SettingsStore(path.join(dir, 'settings.json')) });
  const ws = new FakeSocket();
  attachSession(ws as unknown as WebSocket, service);
  return { monitor, ws };
}

async function ready(ws: FakeSocket): Promise<void> {
  ws.emit('message', Buffer.from(JSON.stringify({ id: 1, verb: 'ready', args: [] })), false);
  await new Promise<void>((resolve) => {
    const check = () => (ws.sent.some((t) => t.includes('"kind":"reply"')) ? resolve() : setImmediate(check));
    check();
  });
}

function bigSnapshot(bytes: number): MonitorEvent {
  const snapshot = { takenAt: 1, collector: 'linux-ss', sockets: [], processes: new Map(), conflicts: [], issues: { skippedLines: 0, warnings: ['x'.repeat(bytes)] }, elevated: false };
  return { type: 'snapshot', seq: 1, snapshot: snapshot as unknown as Snapshot };
}

const delta: MonitorEvent = {
  type: 'delta',
  seq: 2,
  delta: { takenAt: 2, collector: 'linux-ss', added: [], changed: [], removed: [], processesUpserted: [], processesRemoved: [], issues: { skippedLines: 0, warnings: [] }, elevated: false },
};

describe('backpressure', () => {
  it('a client that keeps up gets every event', async () => {
    const { monitor, ws } = setup();
    await ready(ws);
    const before = ws.sent.length;
    monitor.emit(delta);
    expect(ws.sent.length).toBe(before + 1);
    expect(ws.terminated).toBe(false);
  });

  it('a client more than a few MB behind is dropped with 1013, and its session closed', async () => {
    const { monitor, ws } = setup();
    await ready(ws);
    ws.bufferedAmount = MAX_BACKLOG_BYTES + 1;
    const before = ws.sent.length;
    monitor.emit(delta);
    expect(ws.sent.length).toBe(before);
    expect(ws.closedWith).toBe(CLOSE_TOO_SLOW);
    expect(ws.terminated).toBe(true);
    // The session unsubscribed: later events go nowhere.
    monitor.emit(delta);
    expect(ws.sent.length).toBe(before);
  });

  it('a large snapshot still draining is not mistaken for a stalled client', async () => {
    const { monitor, ws } = setup();
    await ready(ws);
    const size = 3 * MAX_BACKLOG_BYTES;
    monitor.emit(bigSnapshot(size));
    ws.bufferedAmount = size; // the snapshot has not left yet
    monitor.emit(delta);
    expect(ws.terminated).toBe(false);
    ws.bufferedAmount = size + MAX_BACKLOG_BYTES + 1024; // ...and now deltas pile up behind it
    monitor.emit(delta);
    expect(ws.terminated).toBe(true);
  });
});
