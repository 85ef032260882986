// Browser mode: the built renderer over HTTP and the service over one WebSocket per page, on
// 127.0.0.1 only, everything under http://127.0.0.1:PORT/<token>/ (the page, its assets, and the
// WebSocket at /<token>/ws). Every request passes the Host check (403), then the token check (401),
// before anything is read from disk or a session is opened. See auth.ts for why each check exists.
import { createReadStream } from 'node:fs';
import { realpath } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { WS_MAX_CLIENT_FRAME_BYTES } from '../core/contract.js';
import type { PortholeService } from '../service/service.js';
import { allowedHosts, checkedHost, newToken, originMatches, pathAfterToken } from './auth.js';
import { answerClientError } from './client-error.js';
import { sendText, setSecurityHeaders } from './headers.js';
import { endWithStatus } from './raw-response.js';
import { resolveStatic } from './static.js';
import { attachSession } from './ws-transport.js';

export interface ServerOptions {
  /** 0 lets the OS choose a free port. */
  port: number;
  rendererDir: string;
  service: PortholeService;
  /** Loopback only: '127.0.0.1' (default) or '::1'. */
  host?: '127.0.0.1' | '::1';
}

export interface RunningServer {
  /** The page, token included: http://127.0.0.1:PORT/<token>/ */
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const UNAUTHORIZED = 'Unauthorized: open the whole address `porthole serve` printed; its path carries the access token.';

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1' && host !== '::1') throw new Error(`browser mode binds loopback only, not ${String(host)}`);
  const root = await realpath(options.rendererDir);
  const token = newToken();
  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_CLIENT_FRAME_BYTES, perMessageDeflate: false });
  // Filled in once listening: nothing is accepted before then anyway.
  const ctx: Context = { root, token, hosts: new Set(), canonical: '' };

  const server = http.createServer((req, res) => {
    handleRequest(req, res, ctx).catch(() => {
      if (!res.headersSent) sendText(res, 500, 'Internal error');
      else res.destroy();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const refusal = upgradeRefusal(req, ctx);
    // No session, no WebSocket, nothing else read.
    if (refusal) return endWithStatus(socket, refusal, checkedHost(req, ctx.hosts) ?? ctx.canonical);
    wss.handleUpgrade(req, socket, head, (ws) => attachSession(ws, options.service));
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => answerClientError(error, socket, ctx.canonical));
  // A slow or idle connection must not hold a socket forever.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port, host, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  ctx.hosts = allowedHosts(host, port);
  ctx.canonical = host === '::1' ? `[::1]:${port}` : `127.0.0.1:${port}`;

  return {
    url: `http://${ctx.canonical}/${token}/`,
    token,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

interface Context {
  root: string;
  token: string;
  hosts: ReadonlySet<string>;
  /** The Host we print and answer under when the request's own is not one of ours. */
  canonical: string;
}

async function handleRequest(req: IncomingMessage, res: ServerResponse, ctx: Context): Promise<void> {
  const host = checkedHost(req, ctx.hosts);
  setSecurityHeaders(res, host ?? ctx.canonical);
  if (!host) return sendText(res, 403, 'Forbidden: unexpected Host header.');
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Method not allowed.', { Allow: 'GET, HEAD' });

  const rest = pathAfterToken(req.url ?? '/', ctx.token);
  if (rest === undefined) return sendText(res, 401, UNAUTHORIZED);
  // "/<token>" typed without its slash: the page's relative assets would miss the token.
  if (rest === '') return sendText(res, 308, 'Moved.', { Location: `/${ctx.token}/` });

  // The rest of the path goes through every check of resolveStatic, as if it were the whole path.
  const found = await resolveStatic(ctx.root, rest);
  if (!found.ok) return sendText(res, found.status, found.status === 400 ? 'Bad request.' : 'Not found.');
  res.writeHead(200, {
    'Content-Type': found.contentType,
    'Content-Length': found.size,
    // The HTML carries no secret but must always be fresh; assets are revalidated, never stored stale.
    'Cache-Control': found.html ? 'no-store' : 'private, no-cache',
  });
  if (req.method === 'HEAD') return void res.end();
  const stream = createReadStream(found.file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

/** The status to refuse a WebSocket upgrade with, or undefined when it may proceed (/<token>/ws). */
function upgradeRefusal(req: IncomingMessage, ctx: Context): number | undefined {
  const host = checkedHost(req, ctx.hosts);
  if (!host || !originMatches(req, host)) return 403;
  const rest = pathAfterToken(req.url ?? '', ctx.token);
  if (rest === undefined) return 401;
  return rest === '/ws' ? undefined : 404;
}
