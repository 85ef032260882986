// One process of the bench's load generator (bench/load.ts spawns it with process.execPath).
// Plain JavaScript on purpose: it runs without tsx, so each load process is an ordinary small Node
// program, like the servers and clients Porthole will meet in the wild.
//
// The parent talks to it over the IPC channel:
//   { cmd: 'listen', tcp: [{ host, count }], udp: [{ host, count }] }        -> { ok: 'listen', tcp: [{ host, port }], udp: [...] }
//   { cmd: 'connect', tcp: [{ host, port, count }], udp: [{ host, port, count }] } -> { ok: 'connect', tcp, udp, failed }
//   { cmd: 'churn', perSecond }   close and reopen that many TCP connections per second (0 stops)
//   { cmd: 'stop' }               reset every connection (RST, so no TIME_WAIT is left behind) and exit
// The process also exits when the parent goes away (IPC disconnect), so nothing outlives the bench.
import dgram from 'node:dgram';
import net from 'node:net';

const servers = [];
const udpSockets = [];
/** Server side: accepted connections. */
const accepted = new Set();
/** Client side: [{ host, port, socket }]. */
const outgoing = [];
let churnTimer;
let churnDebt = 0;
let churned = 0;
let churnFailed = 0;
const noop = () => {};

function listenTcp(host) {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => {
      accepted.add(socket);
      socket.on('error', noop);
      socket.on('close', () => accepted.delete(socket));
    });
    server.once('error', reject);
    server.listen({ port: 0, host, backlog: 1024 }, () => {
      servers.push(server);
      resolve({ host, port: server.address().port });
    });
  });
}

function bindUdp(host, connectTo) {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    socket.once('error', reject);
    socket.bind(0, host, () => {
      udpSockets.push(socket);
      if (!connectTo) return resolve({ host, port: socket.address().port });
      socket.connect(connectTo, host, (err) => (err ? reject(err) : resolve({ host, port: socket.address().port })));
    });
  });
}

function connectTcp(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.on('error', noop);
    socket.once('connect', () => resolve(socket));
    socket.once('close', () => resolve(undefined));
  });
}

/** Run `jobs` with at most `limit` in flight: thousands of simultaneous SYNs overflow accept queues. */
async function pool(jobs, limit) {
  const results = new Array(jobs.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, jobs.length) }, async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  });
  await Promise.all(lanes);
  return results;
}

async function onListen(msg) {
  const tcp = [];
  for (const { host, count } of msg.tcp ?? []) for (let i = 0; i < count; i++) tcp.push(await listenTcp(host));
  const udp = [];
  for (const { host, count } of msg.udp ?? []) for (let i = 0; i < count; i++) udp.push(await bindUdp(host));
  return { ok: 'listen', tcp, udp };
}

async function onConnect(msg) {
  const jobs = [];
  for (const { host, port, count } of msg.tcp ?? []) {
    for (let i = 0; i < count; i++) {
      jobs.push(async () => {
        const socket = await connectTcp(host, port);
        if (socket) outgoing.push({ host, port, socket });
        return socket !== undefined;
      });
    }
  }
  const results = await pool(jobs, 256);
  let udp = 0;
  for (const { host, port, count } of msg.udp ?? []) {
    for (let i = 0; i < count; i++) {
      await bindUdp(host, port);
      udp++;
    }
  }
  const ok = results.filter(Boolean).length;
  return { ok: 'connect', tcp: ok, udp, failed: results.length - ok };
}

/** Close and reopen `perSecond` connections per second, in 10 small steps a second. */
function setChurn(perSecond) {
  clearInterval(churnTimer);
  churnTimer = undefined;
  churnDebt = 0;
  if (!perSecond) return;
  churnTimer = setInterval(() => {
    churnDebt += perSecond / 10;
    while (churnDebt >= 1 && outgoing.length > 0) {
      churnDebt -= 1;
      const i = Math.floor(Math.random() * outgoing.length);
      const entry = outgoing[i];
      entry.socket.destroy(); // an ordinary close: FIN, then TIME_WAIT on this side, like real clients
      churned++;
      connectTcp(entry.host, entry.port).then((socket) => {
        if (socket) entry.socket = socket;
        else churnFailed++;
      });
    }
  }, 100);
}

function reset(socket) {
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

function stop() {
  clearInterval(churnTimer);
  for (const { socket } of outgoing) reset(socket);
  for (const socket of accepted) reset(socket);
  for (const server of servers) server.close();
  for (const socket of udpSockets) socket.close();
  // Give the RSTs a moment to leave, then go.
  setTimeout(() => process.exit(0), 50);
}

process.on('message', async (msg) => {
  try {
    if (msg.cmd === 'listen') process.send(await onListen(msg));
    else if (msg.cmd === 'connect') process.send(await onConnect(msg));
    else if (msg.cmd === 'churn') {
      setChurn(msg.perSecond);
      process.send({ ok: 'churn', churned, churnFailed });
    } else if (msg.cmd === 'stop') stop();
  } catch (error) {
    process.send({ error: String(error?.stack ?? error) });
  }
});
process.on('disconnect', stop);
process.send({ ok: 'ready', pid: process.pid });
