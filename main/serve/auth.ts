// Who may talk to browser mode. Three independent checks, each enough to stop a different attack:
//   - Host: a DNS-rebinding page reaches 127.0.0.1 under its own name; only our own names pass.
//   - Origin (WebSocket): any page in the browser can open ws://127.0.0.1:PORT; only ours may.
//   - Token: other local users and programs can reach the port; only whoever read our stdout
//     knows the 256-bit token, the first segment of every path (http://127.0.0.1:PORT/<token>/).
// The token lives in the path, never in a cookie: browsers ignore ports for cookies, so a cookie
// for 127.0.0.1 or localhost goes to every other local server the browser visits, whoever runs it.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Constant-time comparison. Hashing first makes both sides the same length, so neither the
 * length nor the first differing byte of the real token leaks through timing.
 */
export function tokenMatches(candidate: string, token: string): boolean {
  const a = createHash('sha256').update(candidate).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

/**
 * The names the page may be reached by. `localhost` is accepted besides 127.0.0.1 because people
 * type it, and browsers resolve it to loopback themselves (never through DNS), so an attacker
 * cannot rebind it. Anything else, including other loopback spellings, is refused.
 */
export function allowedHosts(bound: '127.0.0.1' | '::1', port: number): ReadonlySet<string> {
  return new Set([bound === '::1' ? `[::1]:${port}` : `127.0.0.1:${port}`, `localhost:${port}`]);
}

/** The request's Host, lower-cased, if it is one of ours; undefined otherwise. */
export function checkedHost(req: IncomingMessage, allowed: ReadonlySet<string>): string | undefined {
  const host = req.headers.host?.toLowerCase();
  return host !== undefined && allowed.has(host) ? host : undefined;
}

/** A WebSocket must come from the page we served, under the very name the page was loaded by. */
export function originMatches(req: IncomingMessage, host: string): boolean {
  return req.headers.origin === `http://${host}`;
}

/**
 * The request target's path (the query is ignored) when its first segment is the token, without
 * that segment: "/<token>/assets/x.js" -> "/assets/x.js", "/<token>/" -> "/", and "/<token>" -> ""
 * (the caller redirects: the page's relative assets need the slash). undefined for anything else.
 * The segment is compared raw and in constant time: base64url never needs escaping.
 */
export function pathAfterToken(target: string, token: string): string | undefined {
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  if (!path.startsWith('/')) return undefined;
  const end = path.indexOf('/', 1);
  if (!tokenMatches(end < 0 ? path.slice(1) : path.slice(1, end), token)) return undefined;
  return end < 0 ? '' : path.slice(end);
}
