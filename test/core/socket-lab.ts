// A child process that opens and closes real sockets when the test asks (over IPC), for the Linux
// engine tests. Everything binds loopback on OS-chosen ports unless a test passes a port it got
// from the OS a moment before.
import { chmodSync, copyFileSync, linkSync } from 'node:fs';
import path from 'node:path';
import { spawnScript, type ScriptChild, type ScriptOptions } from './spawned.js';

/** The name of the program longNamedNode() makes: longer than the 15 characters the kernel keeps in `comm`. */
export const LONG_NAME = 'porthole-test-server-with-a-very-long-name';

/** Node under a long name, in `dir` (a hard link, or a copy across file systems): pass it as spawnLab's execPath. */
export function longNamedNode(dir: string): string {
  const file = path.join(dir, LONG_NAME);
  try {
    linkSync(process.execPath, file);
  } catch {
    copyFileSync(process.execPath, file);
    chmodSync(file, 0o755);
  }
  return file;
}

const LAB = String.raw`
const net = require('net');
const dgram = require('dgram');
const fs = require('fs');
const cp = require('child_process');
const things = new Map();
const accepted = [];
// TCP handles only (dgram's _handle getter is deprecated and warns).
const fdOf = (t) => (t && t._handle && typeof t._handle.fd === 'number' ? t._handle.fd : null);
// A grandchild that holds whatever it inherited as fd 3 and exits when its parent's pipe closes.
const HOLDER = "process.stdin.on('end', () => process.exit()); process.stdin.resume();";
const WORKER = "process.on('message', (m, h) => { if (h) { global.h = h; process.send('ok'); } }); process.on('disconnect', () => process.exit());";

const ops = {
  'tcp-listen'(m, reply) {
    const s = net.createServer((c) => { accepted.push(c); c.on('error', () => {}); if (m.closeOnEnd) c.on('end', () => c.end()); });
    s.once('error', (e) => reply({ error: e.code || String(e) }));
    s.listen({ host: m.host, port: m.port || 0, ipv6Only: !!m.ipv6Only, exclusive: true }, () => {
      things.set(m.name, s);
      reply({ port: s.address().port, fd: fdOf(s) });
    });
  },
  'tcp-connect'(m, reply) {
    const c = net.connect({ host: m.host, port: m.port, localAddress: m.localAddress });
    c.once('error', (e) => reply({ error: e.code || String(e) }));
    c.once('connect', () => {
      c.on('error', () => {});
      things.set(m.name, c);
      reply({ port: c.localPort, address: c.localAddress, fd: fdOf(c) });
    });
  },
  // Resolves once this process has accepted that many connections (until then the kernel holds
  // them in the listener's queue, with no fd and so no owner).
  accepted(m, reply) {
    const check = () => (accepted.length >= m.count ? reply({ count: accepted.length }) : setTimeout(check, 5));
    check();
  },
  'tcp-end'(m, reply) {
    const c = things.get(m.name);
    c.once('close', () => reply({}));
    c.end();
    c.resume();
  },
  'udp-bind'(m, reply) {
    const u = dgram.createSocket({ type: m.type, reuseAddr: !!m.reuseAddr });
    u.once('error', (e) => reply({ error: e.code || String(e) }));
    u.bind({ address: m.host, port: m.port || 0, exclusive: true }, () => {
      things.set(m.name, u);
      reply({ port: u.address().port });
    });
  },
  'udp-connect'(m, reply) {
    const u = dgram.createSocket(m.type);
    u.once('error', (e) => reply({ error: e.code || String(e) }));
    const go = () => u.connect(m.peerPort, m.peerHost, () => {
      things.set(m.name, u);
      reply({ port: u.address().port, address: u.address().address });
    });
    if (m.host) u.bind({ address: m.host, port: 0 }, go); else go();
  },
  'udp-send'(m, reply) {
    const u = dgram.createSocket(m.type);
    u.send('x', m.peerPort, m.peerHost, (e) => {
      if (e) return reply({ error: e.code || String(e) });
      things.set(m.name, u);
      reply({ port: u.address().port, address: u.address().address });
    });
  },
  close(m, reply) {
    const t = things.get(m.name);
    things.delete(m.name);
    if (typeof t === 'number') fs.closeSync(t);
    else if (t instanceof net.Socket) t.destroy();
    else t.close();
    reply({});
  },
  'open-file'(m, reply) {
    const fd = fs.openSync('/dev/null', 'r');
    things.set(m.name, fd);
    reply({ fd });
  },
  title(m, reply) {
    process.title = m.title;
    reply({});
  },
  fds(m, reply) {
    reply({ fds: fs.readdirSync('/proc/self/fd').map(Number) });
  },
  // Start a program that inherits the socket as its fd 3 (what a supervisor or a shell does).
  inherit(m, reply) {
    const g = cp.spawn(process.execPath, ['-e', HOLDER], { stdio: ['pipe', 'ignore', 'inherit', fdOf(things.get(m.name))] });
    things.set(m.as, g);
    g.once('spawn', () => reply({ pid: g.pid }));
  },
  // Hand a listening server to n worker processes over IPC (what Node's child.send(handle) does).
  share(m, reply) {
    const pids = [];
    for (let i = 0; i < m.workers; i++) {
      const w = cp.spawn(process.execPath, ['-e', WORKER], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      things.set(m.name + ':worker' + i, w);
      w.once('message', () => {
        pids.push(w.pid);
        if (pids.length === m.workers) reply({ pids });
      });
      w.send('server', things.get(m.name));
    }
  },
};

process.on('message', (m) => {
  try {
    ops[m.op](m, (r) => process.send({ ...r, id: m.id }));
  } catch (e) {
    process.send({ id: m.id, error: String(e && e.stack || e) });
  }
});
process.on('disconnect', () => process.exit());
process.stdout.write(JSON.stringify({ pid: process.pid }) + '\n');
`;

export interface Lab extends ScriptChild {
  /** Send one operation; rejects with the child's error code (e.g. "EADDRINUSE"). */
  op(op: string, args?: Record<string, unknown>): Promise<Record<string, unknown>>;
  tcpListen(name: string, host: string, extra?: Record<string, unknown>): Promise<{ port: number; fd: number }>;
  tcpConnect(name: string, host: string, port: number): Promise<{ port: number; fd: number }>;
  udpBind(name: string, type: 'udp4' | 'udp6', host: string, extra?: Record<string, unknown>): Promise<{ port: number }>;
  close(name: string): Promise<void>;
}

export const LAB_SCRIPT = LAB;

export async function spawnLab(options: Omit<ScriptOptions, 'ipc'> = {}): Promise<Lab> {
  const child = await spawnScript(LAB, { ...options, ipc: true });
  const op = (name: string, args: Record<string, unknown> = {}) => child.request({ op: name, ...args });
  return Object.assign(child, {
    op,
    tcpListen: async (name: string, host: string, extra: Record<string, unknown> = {}) => (await op('tcp-listen', { name, host, ...extra })) as { port: number; fd: number },
    tcpConnect: async (name: string, host: string, port: number) => (await op('tcp-connect', { name, host, port })) as { port: number; fd: number },
    udpBind: async (name: string, type: 'udp4' | 'udp6', host: string, extra: Record<string, unknown> = {}) =>
      (await op('udp-bind', { name, type, host, ...extra })) as { port: number },
    close: async (name: string) => {
      await op('close', { name });
    },
  });
}
