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
export function securityHeaders(host: string): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(host),
    'X-Content-Type-Options': 'nosniff',
    // The path carries the access token: no link, image or redirect may pass it on as a Referer.
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    // Another local page (any port on 127.0.0.1 counts as the same site) must not be able to load
    // our scripts into itself or keep a handle on our window.
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
}

export function setSecurityHeaders(res: ServerResponse, host: string): void {
  for (const [name, value] of Object.entries(securityHeaders(host))) res.setHeader(name, value);
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
