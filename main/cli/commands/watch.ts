// `porthole watch [PORT...]`: stream socket changes until Ctrl+C. With --json, one object per line:
//   {"type":"snapshot", ...the list shape}, then {"type":"added"|"removed"|"changed", "socket", "processes"}
//   and {"type":"error", "message", "retryInMs"} when a poll fails (the watch goes on).
import { Engine } from '../../core/engine.js';
import type { ProcessInfo, Snapshot, Socket } from '../../core/model.js';
import { Monitor, type MonitorEvent } from '../../core/monitor.js';
import type { CliIO } from '../io.js';
import { jsonProcess, jsonSnapshot, jsonSocket } from '../output/json.js';
import { endpoint, ownerText, remoteEndpoint } from '../output/table.js';
import { intervalText, localTime } from '../output/time.js';

export interface WatchOptions {
  ports: number[];
  json: boolean;
  intervalMs: number;
}

type Change = 'added' | 'removed' | 'changed';

export function runWatch(options: WatchOptions, io: CliIO, stopSignal?: AbortSignal): Promise<number> {
  const wanted = options.ports.length > 0 ? new Set(options.ports) : null;
  const matches = (s: Socket) => wanted === null || wanted.has(s.localPort);
  const monitor = new Monitor(new Engine({ watchedPorts: () => options.ports }), { intervalMs: options.intervalMs });
  // Removed sockets arrive as keys only: remember what each key looked like, to say what went away.
  const known = new Map<string, Socket>();
  let processes = new Map<number, ProcessInfo>();

  // `owners`: for a removed socket, the processes of the poll before, which still knew its owner.
  const print = (change: Change, s: Socket, owners: ReadonlyMap<number, ProcessInfo> = processes) => {
    if (options.json) {
      const known = s.pids.map((pid) => owners.get(pid)).filter((p): p is ProcessInfo => !!p);
      io.out(JSON.stringify({ type: change, at: new Date().toISOString(), socket: jsonSocket(s), processes: known.map(jsonProcess) }));
      return;
    }
    const { style } = io;
    const mark = change === 'added' ? style.green('+') : change === 'removed' ? style.red('-') : style.yellow('~');
    const remote = s.remoteAddress === null ? '' : ` → ${remoteEndpoint(s)}`;
    io.out(`${style.dim(localTime(Date.now()))} ${mark} ${s.protocol}${s.family} ${endpoint(s)}${remote} ${s.state} ${ownerText(s, owners)}`);
  };

  const onSnapshot = (snapshot: Snapshot) => {
    processes = snapshot.processes;
    const shown = snapshot.sockets.filter(matches);
    for (const s of shown) known.set(s.key, s);
    if (options.json) {
      io.out(JSON.stringify({ type: 'snapshot', ...jsonSnapshot(snapshot, shown) }));
      return;
    }
    const scope = wanted ? [...wanted].map((p) => `:${p}`).join(' ') : 'every socket';
    io.out(io.style.dim(`Watching ${scope} every ${intervalText(options.intervalMs)} (Ctrl+C to stop)`));
    for (const port of wanted ?? []) {
      if (!shown.some((s) => s.localPort === port && s.state !== 'TIME_WAIT')) io.out(io.style.green(`:${port} is free`));
    }
    for (const s of shown) print('added', s);
  };

  const onEvent = (event: MonitorEvent) => {
    if (event.type === 'snapshot') return onSnapshot(event.snapshot);
    if (event.type === 'error') {
      if (options.json) io.out(JSON.stringify({ type: 'error', at: new Date(event.at).toISOString(), message: event.message, retryInMs: event.retryInMs }));
      else io.err(io.errStyle.yellow(`poll failed: ${event.message}; retrying in ${Math.round(event.retryInMs / 1000)}s`));
      return;
    }
    const { delta } = event;
    // A socket goes away with its process, more often than not: name it from the poll that saw it.
    const before = processes;
    processes = monitor.snapshot?.processes ?? processes;
    for (const key of delta.removed) {
      const s = known.get(key);
      if (!s) continue;
      known.delete(key);
      print('removed', s, before);
    }
    for (const s of delta.added) if (matches(s)) (known.set(s.key, s), print('added', s));
    for (const s of delta.changed) if (matches(s)) (known.set(s.key, s), print('changed', s));
  };

  return new Promise((resolve) => {
    const unsubscribe = monitor.subscribe(onEvent);
    const stop = () => {
      unsubscribe();
      monitor.stop();
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    stopSignal?.addEventListener('abort', stop, { once: true });
    // Whoever read the stream has gone (`watch | head -1`): nothing more can reach anyone.
    io.outputGone?.addEventListener('abort', stop, { once: true });
    monitor.start();
  });
}
