// The bench's load generator: a few ordinary Node processes (spawned with process.execPath) that
// hold many loopback sockets, like a developer machine running several servers and their clients.
//
//   const load = await LoadGenerator.start();          // 4 server + 4 client processes, no sockets yet
//   await load.grow({ listeners: 200, connections: 2000, udpBound: 100, udpConnected: 100 });
//   await load.setChurn(0.01);                          // close+reopen 1% of connections per second
//   await load.stop();                                  // RST everything (no TIME_WAIT left) and exit
//
// grow() only adds: each scale builds on the previous one. Listeners alternate 127.0.0.1 and ::1 and
// are spread over the server processes; connections and connected UDP sockets over the client
// processes. Every port is chosen by the OS (port 0); nothing but our own listeners is dialled.
// Each child exits by itself if this process goes away, and stop() SIGKILLs only our own children
// that did not exit in time.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface LoadScale {
  listeners: number;
  /** TCP connections; each one is two sockets (client and accepted end). */
  connections: number;
  /** UDP sockets bound and not connected (in the server processes). */
  udpBound: number;
  /** UDP sockets connected to one of the bound ones (in the client processes). */
  udpConnected: number;
}

export interface Endpoint {
  host: string;
  port: number;
  /** pid of the process holding it. */
  pid: number;
}

export interface LoadOptions {
  servers?: number;
  clients?: number;
}

type Reply = { ok?: string; error?: string; [k: string]: unknown };

const CHILD = fileURLToPath(new URL('./load-child.mjs', import.meta.url));
const HOSTS = ['127.0.0.1', '::1'] as const;

class LoadProcess {
  private queue: Array<(reply: Reply) => void> = [];
  readonly exited: Promise<unknown>;

  constructor(readonly child: ChildProcess) {
    child.on('message', (reply: Reply) => this.queue.shift()?.(reply));
    this.exited = once(child, 'exit').catch(() => undefined);
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** One request, one reply, in order. */
  request(message: object, timeoutMs = 120_000): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`load process ${this.pid} did not answer ${JSON.stringify(message).slice(0, 80)}`)), timeoutMs);
      this.queue.push((reply) => {
        clearTimeout(timer);
        if (reply.error) reject(new Error(`load process ${this.pid}: ${reply.error}`));
        else resolve(reply);
      });
      this.child.send(message);
    });
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }
}

export class LoadGenerator {
  readonly listeners: Endpoint[] = [];
  readonly udpBound: Endpoint[] = [];
  connections = 0;
  udpConnected = 0;
  connectFailures = 0;

  private constructor(
    private readonly serverProcs: LoadProcess[],
    private readonly clientProcs: LoadProcess[],
  ) {}

  static async start(options: LoadOptions = {}): Promise<LoadGenerator> {
    const servers = options.servers ?? 4;
    const clients = options.clients ?? 4;
    const procs: LoadProcess[] = [];
    try {
      for (let i = 0; i < servers + clients; i++) {
        const child = spawn(process.execPath, [CHILD], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
        const proc = new LoadProcess(child);
        procs.push(proc);
        // The child announces itself once ready.
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('load process did not start')), 15_000);
          child.once('message', () => {
            clearTimeout(timer);
            resolve();
          });
          child.once('exit', (code) => reject(new Error(`load process exited early (${code})`)));
        });
        // The queue must not see the "ready" message: it was consumed above, before any request.
      }
    } catch (error) {
      await Promise.all(procs.map((p) => killProc(p)));
      throw error;
    }
    return new LoadGenerator(procs.slice(0, servers), procs.slice(servers));
  }

  get pids(): number[] {
    return [...this.serverProcs, ...this.clientProcs].map((p) => p.pid);
  }

  get serverPids(): number[] {
    return this.serverProcs.map((p) => p.pid);
  }

  get clientPids(): number[] {
    return this.clientProcs.map((p) => p.pid);
  }

  /** Sockets the load holds (both ends of every connection), not counting TIME_WAIT from churn. */
  get socketCount(): number {
    return this.listeners.length + 2 * this.connections + this.udpBound.length + this.udpConnected;
  }

  /** Add listeners, connections and UDP sockets until the load matches `target`. */
  async grow(target: LoadScale): Promise<void> {
    checkFdLimit(target, this.serverProcs.length, this.clientProcs.length);
    const newListeners = await this.addBound(target.listeners - this.listeners.length, 'tcp');
    this.listeners.push(...newListeners);
    const newUdp = await this.addBound(target.udpBound - this.udpBound.length, 'udp');
    this.udpBound.push(...newUdp);

    // Spread the new connections over the new listeners (or all of them when none are new).
    const wanted = target.connections - this.connections;
    const targets = newListeners.length > 0 ? newListeners : this.listeners;
    const udpWanted = target.udpConnected - this.udpConnected;
    const udpTargets = newUdp.length > 0 ? newUdp : this.udpBound;
    const perClient = this.clientProcs.map(() => ({
      tcp: new Map<string, { host: string; port: number; count: number }>(),
      udp: new Map<string, { host: string; port: number; count: number }>(),
    }));
    const add = (map: Map<string, { host: string; port: number; count: number }>, ep: Endpoint) => {
      const key = `${ep.host}|${ep.port}`;
      const entry = map.get(key);
      if (entry) entry.count++;
      else map.set(key, { host: ep.host, port: ep.port, count: 1 });
    };
    for (let i = 0; i < wanted && targets.length > 0; i++) add(perClient[i % perClient.length]!.tcp, targets[i % targets.length]!);
    for (let i = 0; i < udpWanted && udpTargets.length > 0; i++) add(perClient[i % perClient.length]!.udp, udpTargets[i % udpTargets.length]!);

    const replies = await Promise.all(
      this.clientProcs.map((proc, i) =>
        proc.request({ cmd: 'connect', tcp: [...perClient[i]!.tcp.values()], udp: [...perClient[i]!.udp.values()] }),
      ),
    );
    for (const r of replies) {
      this.connections += r.tcp as number;
      this.udpConnected += r.udp as number;
      this.connectFailures += r.failed as number;
    }
  }

  /** Close and reopen `fraction` of the connections every second (0 stops). */
  async setChurn(fraction: number): Promise<void> {
    const perSecond = (fraction * this.connections) / Math.max(1, this.clientProcs.length);
    await Promise.all(this.clientProcs.map((p) => p.request({ cmd: 'churn', perSecond })));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.serverProcs, ...this.clientProcs].map((p) => killProc(p)));
  }

  private async addBound(count: number, kind: 'tcp' | 'udp'): Promise<Endpoint[]> {
    if (count <= 0) return [];
    const plan = this.serverProcs.map(() => HOSTS.map((host) => ({ host, count: 0 })));
    const offset = kind === 'tcp' ? this.listeners.length : this.udpBound.length;
    for (let i = 0; i < count; i++) {
      const n = offset + i;
      plan[n % plan.length]![Math.floor(n / plan.length) % HOSTS.length]!.count++;
    }
    const replies = await Promise.all(this.serverProcs.map((proc, i) => proc.request({ cmd: 'listen', [kind]: plan[i] })));
    const out: Endpoint[] = [];
    replies.forEach((r, i) => {
      for (const ep of r[kind] as Array<{ host: string; port: number }>) out.push({ ...ep, pid: this.serverProcs[i]!.pid });
    });
    return out;
  }
}

async function killProc(proc: LoadProcess): Promise<void> {
  if (!proc.running) return;
  try {
    proc.child.send({ cmd: 'stop' });
  } catch {
    // channel already closed
  }
  const timer = setTimeout(() => {
    if (proc.running) proc.child.kill('SIGKILL'); // our own child only
  }, 5_000);
  await proc.exited;
  clearTimeout(timer);
}

/** The open-file limit every child inherits. Raising the hard limit needs CAP_SYS_RESOURCE. */
export function fdLimit(): { soft: number; hard: number } {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  const [soft, hard] = (line?.match(/\d+|unlimited/g) ?? []).map((v) => (v === 'unlimited' ? Infinity : Number(v)));
  return { soft: soft ?? 1024, hard: hard ?? 1024 };
}

function checkFdLimit(target: LoadScale, servers: number, clients: number): void {
  const perServer = Math.ceil((target.listeners + target.connections + target.udpBound) / servers) + 64;
  const perClient = Math.ceil((target.connections + target.udpConnected) / clients) + 64;
  const { soft } = fdLimit();
  if (Math.max(perServer, perClient) > soft) {
    throw new Error(
      `Each load process needs up to ${Math.max(perServer, perClient)} open files but the limit is ${soft}: ` +
        'raise it (ulimit -n) or use more load processes.',
    );
  }
}
