// Clients for browser mode's tests: raw HTTP (exact paths and Host headers, which fetch would
// normalise away), raw WebSocket upgrades (to read refusals), and a WebSocket speaking the contract.
import http from 'node:http';
import net from 'node:net';
import WebSocket from 'ws';
import type { ServerEvent, WsServerFrame } from '../../main/core/contract.js';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function rawRequest(port: number, options: { path: string; host?: string; method?: string; headers?: Record<string, string> }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: options.path,
        method: options.method ?? 'GET',
        setHost: false,
        headers: { Host: options.host ?? `127.0.0.1:${port}`, ...options.headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/**
 * Send a WebSocket upgrade by hand and return what came back: the status code, and whether the
 * server then closed the connection. Only the headers given are sent.
 */
export function rawUpgrade(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    let status = 0;
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      const lines = [`GET ${path} HTTP/1.1`, 'Connection: Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='];
      for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
    socket.on('data', (d: string) => {
      text += d;
      const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (match) status = Number(match[1]);
      // A 101 means a session exists: that is the answer, no need to wait for a close.
      if (status === 101) {
        socket.destroy();
        resolve({ status, closed: false });
      }
    });
    socket.on('close', () => resolve({ status, closed: true }));
    socket.on('error', reject);
  });
}

/**
 * Write bytes that need not be valid HTTP and read everything the server answers until it closes
 * the connection: what Node's own parser errors (400, 431) send, which http.request cannot produce.
 */
export function rawExchange(port: number, bytes: string): Promise<{ statusLine: string; headers: Record<string, string>; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('latin1');
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (d: string) => (text += d));
    // The server may reset while we still write the rest of a huge request: what it said counts.
    socket.on('error', (error) => (text ? undefined : reject(error)));
    socket.on('close', () => {
      const [head = ''] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      resolve({ statusLine, headers, closed: true });
    });
  });
}

/** A page's side of the contract: numbered requests, replies matched by id, events in order. */
export class ContractClient {
  readonly frames: WsServerFrame[] = [];
  // Far from the small ids tests write by hand.
  private nextId = 1_000_000_000;
  private readonly waiters: Array<{ pred: (f: WsServerFrame) => boolean; resolve: (f: WsServerFrame) => void; from: number }> = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as WsServerFrame;
      this.frames.push(frame);
      for (const w of [...this.waiters]) {
        if (w.pred(frame)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(frame);
        }
      }
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  /** A page's WebSocket: at /<token>/ws, from the page's own origin. */
  static async connect(port: number, auth: { token: string }): Promise<ContractClient> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/${auth.token}/ws`, { origin: `http://127.0.0.1:${port}` });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
    return new ContractClient(ws);
  }

  /** The first frame (already received or still to come, from index `from`) matching pred. */
  waitFor(pred: (f: WsServerFrame) => boolean, from = 0): Promise<WsServerFrame> {
    const found = this.frames.slice(from).find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ pred, resolve, from }));
  }

  waitForEvent(pred: (e: ServerEvent) => boolean, from = 0): Promise<ServerEvent> {
    return this.waitFor((f) => f.kind === 'event' && pred(f.event), from).then((f) => (f as { event: ServerEvent }).event);
  }

  sendRaw(data: string | Buffer, options: { binary?: boolean } = {}): void {
    this.ws.send(data, { binary: options.binary ?? false });
  }

  /** Send a frame with a fresh id and resolve with its reply. */
  async request(verb: string, args: unknown[]): Promise<Extract<WsServerFrame, { kind: 'reply' }>> {
    const id = this.nextId++;
    this.sendRaw(JSON.stringify({ id, verb, args }));
    return this.reply(id);
  }

  reply(id: number): Promise<Extract<WsServerFrame, { kind: 'reply' }>> {
    return this.waitFor((f) => f.kind === 'reply' && f.id === id) as Promise<Extract<WsServerFrame, { kind: 'reply' }>>;
  }

  close(): void {
    this.ws.close();
  }
}
