// Headers on every browser-mode response, errors included: the page must never run a script, load
// a style or open a connection that is not ours, and must never be framed by another page.
import type { ServerResponse } from 'node:http';

/** `host` is the Host the request used (already checked): the WebSocket lives at the same name. */
export function contentSecurityPolicy(host: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ws://${host}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** `host`: the request's Host when it passed the check, else our canonical one (never the attacker's). */
export function setSecurityHeaders(res: ServerResponse, host: string): void {
  res.setHeader('Content-Security-Policy', contentSecurityPolicy(host));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  // Another local page (any port on 127.0.0.1 counts as the same site, and gets our cookie sent
  // along) must not be able to load our scripts into itself or keep a handle on our window.
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
}

export function sendText(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  const body = `${text}\n`;
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    ...extra,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
