// Worker-thread entry: runs an Engine and a Monitor off the host's event loop and forwards every
// MonitorEvent to the parent (MonitorHost). Collection is synchronous in places (the /proc inode
// index) and parsing 20,000 lines takes tens of milliseconds: here that blocks nobody.
//
// Large socket lists (the first snapshot, a delta after a burst) go in parts of `chunkSize`, one
// at a time, each after the host acknowledged the previous one, so the host takes in ~1,000
// sockets per turn of its event loop instead of all of them at once. Everything the worker sends
// goes through one queue, so events keep their order.
import { parentPort, workerData } from 'node:worker_threads';
import { createCollector } from '../collect/index.js';
import { sweepStaleDirs } from '../elevate/index.js';
import { Engine } from '../engine.js';
import { Monitor, type MonitorEvent } from '../monitor.js';
import type { Socket } from '../model.js';
import { createProcessDescriber } from '../processes.js';
import { lowerThisThreadPriority } from './background-priority.js';
import { ElevationSwitch } from './elevation-switch.js';
import { DEFAULT_CHUNK_SIZE, type HostMessage, type SocketList, type WorkerConfig, type WorkerMessage } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('monitor-worker must run in a worker thread (see MonitorHost)');

lowerThisThreadPriority();
const config = (workerData ?? {}) as WorkerConfig;
const chunkSize = Math.max(1, config.chunkSize ?? DEFAULT_CHUNK_SIZE);
let watchedPorts = config.watchedPorts ?? [];
// A previous run that crashed may have left an elevated collector's folder: removing it stops that collector.
sweepStaleDirs();
const elevation = new ElevationSwitch({
  normal: { collector: createCollector(process.platform, { longLived: true }), describer: createProcessDescriber() },
  onChange: (outcome) => enqueue(() => post({ type: 'elevation', outcome })),
  onSwitched: () => void monitor.pollNow(),
});
const engine = new Engine({ collector: elevation.collector, describer: elevation.describer, watchedPorts: () => watchedPorts });
const monitor = new Monitor(engine, { intervalMs: config.intervalMs, maxRetryMs: config.maxRetryMs });

function post(message: WorkerMessage): void {
  port!.postMessage(message);
}

let outbox: Promise<void> = Promise.resolve();
let acked: (() => void) | undefined;

/** Send in order: a task starts once the one before it (and its acknowledgements) is done. */
function enqueue(task: () => void | Promise<void>): void {
  outbox = outbox.then(task).catch(() => undefined);
}

async function sendList(list: SocketList, sockets: Socket[]): Promise<void> {
  for (let i = 0; i < sockets.length; i += chunkSize) {
    await new Promise<void>((resolve) => {
      acked = resolve;
      post({ type: 'sockets', list, sockets: sockets.slice(i, i + chunkSize) });
    });
  }
}

function forward(event: MonitorEvent): void {
  enqueue(async () => {
    if (event.type === 'snapshot' && event.snapshot.sockets.length > chunkSize) {
      await sendList('sockets', event.snapshot.sockets);
      post({ type: 'event', parts: true, event: { ...event, snapshot: { ...event.snapshot, sockets: [] } } });
    } else if (event.type === 'delta' && event.delta.added.length + event.delta.changed.length > chunkSize) {
      await sendList('added', event.delta.added);
      await sendList('changed', event.delta.changed);
      post({ type: 'event', parts: true, event: { ...event, delta: { ...event.delta, added: [], changed: [] } } });
    } else {
      post({ type: 'event', event });
    }
  });
}

monitor.subscribe(forward);

port.on('message', (message: HostMessage) => {
  switch (message.type) {
    case 'start':
      monitor.start();
      break;
    case 'stop':
      monitor.stop();
      break;
    case 'pause':
      monitor.pause();
      break;
    case 'resume':
      monitor.resume();
      break;
    case 'setInterval':
      monitor.setInterval(message.ms);
      break;
    case 'pollNow':
      // After the poll's own events, which are queued by then.
      void monitor.pollNow().then(() => enqueue(() => post({ type: 'polled', id: message.id })));
      break;
    case 'lookup':
      // On the same Engine (and warm caches) as the polls, beside them: a port-filtered collection
      // leaves the full poll's caches alone.
      engine.snapshot({ port: message.port }).then(
        (snapshot) => post({ type: 'lookup', id: message.id, snapshot }),
        (error: unknown) => post({ type: 'lookup', id: message.id, error: (error as Error).message }),
      );
      break;
    case 'ack':
      acked?.();
      acked = undefined;
      break;
    case 'setWatchedPorts':
      watchedPorts = [...message.ports];
      break;
    case 'setElevation':
      void elevation.set(message.enabled, message.request).then((outcome) => enqueue(() => post({ type: 'elevation', id: message.id, outcome })));
      break;
    case 'crash':
      setImmediate(() => {
        throw new Error(message.message);
      });
      break;
  }
});

post({ type: 'ready' });
