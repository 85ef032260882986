// Endpoint text as the OS tools print it, turned into plain addresses without brackets.
// "[::1]:3000", "127.0.0.1:22", "*:*", "[fe80::1]%eth0:546", "0.0.0.0%eth0:68", "[fe80::1%en0]:5353".
import type { Family } from '../../model.js';

export interface Endpoint {
  /** Plain text: "::1", "0.0.0.0", "fe80::1%eth0". "*" is returned as-is for the caller to map. */
  address: string;
  /** null when the tool printed "*" for the port. */
  port: number | null;
}

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
// Loose on purpose: hex groups, "::" and an embedded IPv4 tail. Strict validation is ipaddr.js's job.
const IPV6 = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*(?:\d{1,3}(?:\.\d{1,3}){3})?$/;
const ZONE = /^[A-Za-z0-9_.\-@]{1,64}$/;

export function parsePort(text: string): number | null | undefined {
  if (text === '*') return null;
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= 65535 ? n : undefined;
}

/** Parse "host:port" with any of the bracket and zone spellings. Returns undefined when malformed. */
export function parseEndpoint(text: string): Endpoint | undefined {
  const colon = text.lastIndexOf(':');
  if (colon <= 0) return undefined;
  const port = parsePort(text.slice(colon + 1));
  if (port === undefined) return undefined;
  let host = text.slice(0, colon);
  let zone = '';

  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    if (close < 0) return undefined;
    const after = host.slice(close + 1);
    let inside = host.slice(1, close);
    if (after.startsWith('%')) zone = after.slice(1);
    else if (after !== '') return undefined;
    const pct = inside.indexOf('%');
    if (pct >= 0) {
      zone = inside.slice(pct + 1);
      inside = inside.slice(0, pct);
    }
    if (!IPV6.test(inside)) return undefined;
    host = inside;
  } else {
    const pct = host.indexOf('%');
    if (pct >= 0) {
      zone = host.slice(pct + 1);
      host = host.slice(0, pct);
    }
    if (host !== '*' && !IPV4.test(host) && !IPV6.test(host)) return undefined;
  }
  if (zone !== '' && !ZONE.test(zone)) return undefined;
  return { address: zone ? `${host}%${zone}` : host, port };
}

export function familyOf(address: string): Family {
  return address.includes(':') ? 6 : 4;
}

/** The unspecified ("any") address of a family. */
export function wildcardOf(family: Family): string {
  return family === 6 ? '::' : '0.0.0.0';
}

export function isWildcard(address: string): boolean {
  const bare = stripZone(address);
  return bare === '0.0.0.0' || bare === '::' || bare === '*';
}

export function stripZone(address: string): string {
  const pct = address.indexOf('%');
  return pct < 0 ? address : address.slice(0, pct);
}
