// Real child processes for the kill/diagnose/identity tests. Every pid a test may signal comes from
// here, and cleanup() kills only those (grandchildren only while their start time still matches).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { ancestorsOf, readIdentity } from '../../main/core/identity.js';
import { engineLookup, holdsPort } from '../../main/core/port-view.js';

export interface HelperOptions {
  /** Listen on this host with port 0 ("127.0.0.1", "::1"); omit for a process with no socket. */
  host?: string;
  udp?: boolean;
  /** Install a SIGTERM handler that does nothing. */
  ignoreTerm?: boolean;
  /** Spawn one idle child of its own (for --tree). */
  spawnChild?: boolean;
}

export interface Spawned {
  child: ChildProcess;
  pid: number;
  port: number | undefined;
  childPid: number | undefined;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const SCRIPT = `
const o = JSON.parse(process.env.PORTHOLE_TEST_OPTS);
if (o.ignoreTerm) process.on('SIGTERM', () => {});
let childPid;
if (o.spawnChild) {
  const c = require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  childPid = c.pid;
}
const report = (port) => process.stdout.write(JSON.stringify({ port, childPid }) + '\\n');
if (o.host && o.udp) {
  const s = require('dgram').createSocket(o.host.includes(':') ? 'udp6' : 'udp4');
  s.bind(0, o.host, () => report(s.address().port));
} else if (o.host) {
  const srv = require('net').createServer((c) => c.destroy());
  srv.listen(0, o.host, () => report(srv.address().port));
} else {
  report(undefined);
}
setInterval(() => {}, 1000);
`;

const children = new Set<ChildProcess>();
const grandchildren: { pid: number; startTime: number }[] = [];

export function spawnHelper(options: HelperOptions = {}): Promise<Spawned> {
  return withOwnPort(() => spawnHelperOnce(options), (s) => s.port, (s) => stopChild(s.child));
}

async function spawnHelperOnce(options: HelperOptions): Promise<Spawned> {
  const child = spawn(process.execPath, ['-e', SCRIPT], {
    env: { ...process.env, PORTHOLE_TEST_OPTS: JSON.stringify(options) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  const line = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(buf.slice(0, nl));
    });
    child.once('exit', (code) => reject(new Error(`helper exited early (${code})`)));
  });
  const info = JSON.parse(line) as { port?: number; childPid?: number };
  if (info.childPid !== undefined) {
    const id = await readIdentity(info.childPid);
    if (id) grandchildren.push({ pid: id.pid, startTime: id.startTime });
  }
  return { child, pid: child.pid!, port: info.port, childPid: info.childPid, exited };
}

/** A child that has exited and been reaped: its pid number is (for now) free. */
export async function reapedPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await once(child, 'exit');
  return child.pid!;
}

export function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function cleanup(): Promise<void> {
  for (const g of grandchildren.splice(0)) await killIfSame(g);
  await Promise.all([...children].map(stopChild));
}

/** SIGKILL a process a test caused but did not spawn itself, only while it is still that process. */
export async function killIfSame(started: { pid: number; startTime: number } | null): Promise<void> {
  if (!started) return;
  const now = await readIdentity(started.pid);
  if (now && now.startTime === started.startTime) process.kill(started.pid, 'SIGKILL');
}

export interface ScriptOptions {
  /** Extra argv after `-e SCRIPT` (visible in /proc/PID/cmdline, so tests can check the command line). */
  args?: string[];
  cwd?: string;
  uid?: number;
  gid?: number;
  /** The program to run the script with; process.execPath unless a test renamed it. */
  execPath?: string;
  env?: NodeJS.ProcessEnv;
  /** Open an IPC channel: the child gets process.send, the test gets request(). */
  ipc?: boolean;
  /** Run a file with these node arguments instead of `-e SCRIPT` (script is then ignored). */
  argv?: string[];
}

export interface ScriptChild {
  child: ChildProcess;
  pid: number;
  /** The first line the child printed, parsed as JSON. */
  info: Record<string, unknown>;
  /** Date.now() just before and just after spawn(): the kernel's start time lies between. */
  spawnedAt: { before: number; after: number };
  argv: string[];
  /** IPC children only: send a command, resolve with the child's reply ({ ...reply } with the same id). */
  request(command: Record<string, unknown>): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Runs `node -e SCRIPT` (or options.execPath), waits for the first stdout line and parses it as
 * JSON. The child is killed by cleanup(). Scripts answer IPC requests with `process.send({ id, ... })`.
 */
export function spawnScript(script: string, options: ScriptOptions = {}): Promise<ScriptChild> {
  return withOwnPort(
    () => spawnScriptOnce(script, options),
    (c) => (typeof c.info.port === 'number' ? c.info.port : undefined),
    (c) => stopChild(c.child),
  );
}

/** spawnScript without the check that its port is ours alone: for callers that make that check themselves. */
export async function spawnScriptOnce(script: string, options: ScriptOptions = {}): Promise<ScriptChild> {
  const program = options.execPath ?? process.execPath;
  const args = options.argv ?? ['-e', script, ...(options.args ?? [])];
  const before = Date.now();
  const child = spawn(program, args, {
    cwd: options.cwd,
    uid: options.uid,
    gid: options.gid,
    env: options.env ?? process.env,
    stdio: options.ipc ? ['ignore', 'pipe', 'inherit', 'ipc'] : ['ignore', 'pipe', 'inherit'],
  });
  const after = Date.now();
  children.add(child);
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  const line = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(buf.slice(0, nl));
    });
    child.once('exit', (code, signal) => reject(new Error(`script exited early (${code ?? signal}): ${buf}`)));
    child.once('error', reject);
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (reply: Record<string, unknown>) => void; reject: (error: Error) => void }>();
  if (options.ipc) {
    child.on('message', (msg: Record<string, unknown>) => {
      const waiter = pending.get(msg.id as number);
      pending.delete(msg.id as number);
      if (msg.error) waiter?.reject(new Error(String(msg.error)));
      else waiter?.resolve(msg);
    });
    child.once('exit', () => {
      for (const waiter of pending.values()) waiter.reject(new Error('child exited before replying'));
      pending.clear();
    });
  }
  return {
    child,
    pid: child.pid!,
    info: JSON.parse(line) as Record<string, unknown>,
    spawnedAt: { before, after },
    argv: [program, ...args],
    exited,
    request(command) {
      if (!options.ipc) throw new Error('not an IPC child');
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ ...command, id });
      });
    },
  };
}

/** A grandchild a test caused: cleanup() kills it too, but only while its start time still matches. */
export async function adopt(pid: number): Promise<void> {
  const id = await readIdentity(pid);
  if (id) grandchildren.push({ pid: id.pid, startTime: id.startTime });
}

/**
 * The name the engine gives a node child: Windows names a process by its image file (CIM's
 * Win32_Process.Name, "node.exe"); Linux and macOS by the program ("node").
 */
export const NODE_NAME = process.platform === 'win32' ? 'node.exe' : 'node';

/** A port the OS picked for us on 127.0.0.1 and that nothing held a moment ago. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as import('node:net').AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/**
 * Runs `start` again until the port the OS gave its listener is held by nothing these tests did not
 * start. Port 0 on 127.0.0.1 can give a number that another program holds on ::1 or on another
 * address; a test that then kills by port would stop that program too. `stop` ends a start whose
 * port is shared.
 */
export async function withOwnPort<T>(start: () => Promise<T>, portOf: (started: T) => number | undefined, stop: (started: T) => Promise<void>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const started = await start();
    const port = portOf(started);
    if (port === undefined) return started;
    const strangers = await strangersOn(port);
    if (strangers.length === 0) return started;
    await stop(started);
    if (attempt === 5) throw new Error(`every port the OS gave was also held by processes these tests did not start (last :${port}: ${strangers.join(', ')})`);
  }
}

/** Holders of `port` (listeners, bound UDP sockets, any address) that are not processes these tests started. */
export async function strangersOn(port: number): Promise<string[]> {
  const view = await engineLookup({ port });
  const known = new Set<number>([...[...children].map((c) => c.pid!), ...grandchildren.map((g) => g.pid)]);
  const strangers: string[] = [];
  for (const s of view.sockets) {
    if (s.localPort !== port || !holdsPort(s)) continue;
    if (s.owner !== 'known') strangers.push(`a hidden owner of ${s.localAddress}:${port}`);
    for (const pid of s.pids) {
      if (known.has(pid) || (await ancestorsOf(pid)).includes(process.pid)) continue;
      strangers.push(`pid ${pid} on ${s.localAddress}:${port}`);
    }
  }
  return strangers;
}

async function stopChild(child: ChildProcess): Promise<void> {
  children.delete(child);
  if (isRunning(child)) {
    child.kill('SIGKILL');
    await once(child, 'exit').catch(() => undefined);
  }
}
