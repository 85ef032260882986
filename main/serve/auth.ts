// Who may talk to browser mode. Three independent checks, each enough to stop a different attack:
//   - Host: a DNS-rebinding page reaches 127.0.0.1 under its own name; only our own names pass.
//   - Origin (WebSocket): any page in the browser can open ws://127.0.0.1:PORT; only ours may.
//   - Token: other local users and programs can reach the port; only whoever read our stdout
//     knows the 256-bit token (in the URL once, then in an HttpOnly cookie).
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
 * One cookie per port: cookies ignore ports, so two `porthole serve` on the same machine would
 * otherwise overwrite each other's token.
 */
export function cookieName(port: number): string {
  return `porthole_${port}`;
}

/**
 * HttpOnly: page scripts (and anything injected into them) cannot read it. SameSite=Strict: no other
 * site's navigation or request carries it. No Max-Age: it ends with the browser session, and a new
 * `porthole serve` has a new token anyway. Not Secure: this is plain http on loopback.
 */
export function tokenCookie(port: number, token: string): string {
  return `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

export type AuthResult = { ok: true; fromQuery: boolean } | { ok: false };

/** The query's token or any cookie of ours must match. */
export function authenticate(req: IncomingMessage, query: URLSearchParams, port: number, token: string): AuthResult {
  const fromQuery = query.get('token');
  if (fromQuery !== null && tokenMatches(fromQuery, token)) return { ok: true, fromQuery: true };
  for (const value of cookieValues(req.headers.cookie, cookieName(port))) {
    if (tokenMatches(value, token)) return { ok: true, fromQuery: false };
  }
  return { ok: false };
}

function cookieValues(header: string | undefined, name: string): string[] {
  if (!header) return [];
  const values: string[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) values.push(part.slice(eq + 1).trim());
  }
  return values;
}
