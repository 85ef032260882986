// A listener's local address reduced to what decides who gets a connection: its family scope,
// whether it is a wildcard, and whether it is what "localhost" resolves to. Socket addresses come
// from OS tools and fuzzers alike, so nothing here may throw.
import ipaddr from 'ipaddr.js';
import type { Family } from '../model.js';

export type BindScope = 'any4' | 'any6' | 'v4' | 'v6';

export interface BindAddress {
  scope: BindScope;
  /** Comparable identity: normalised, IPv4-mapped IPv6 as plain IPv4, zone kept (fe80::1%eth0 ≠ %eth1). */
  id: string;
  /** As the OS printed it, for sentences. */
  text: string;
  /** An IPv6 wildcard that also takes IPv4 (v6Only === false). null v6Only is not assumed either way. */
  dualStack: boolean;
  /** 127.0.0.1 or ::1: the addresses "localhost" resolves to. Other 127.x addresses are not. */
  localhost: boolean;
  /** Multicast group binds receive a copy each, so they never take traffic from one another. */
  multicast: boolean;
}

function make(scope: BindScope, id: string, text: string, dualStack = false, multicast = false): BindAddress {
  const localhost = (scope === 'v4' && id === '127.0.0.1') || (scope === 'v6' && id === '::1');
  return { scope, id, text, dualStack, localhost, multicast };
}

export function bindAddress(address: string, family: Family, v6Only: boolean | null): BindAddress {
  const text = address.trim();
  const pct = text.indexOf('%');
  const bare = (pct < 0 ? text : text.slice(0, pct)).toLowerCase();
  const zone = pct < 0 ? '' : text.slice(pct);

  if (bare === '*' || bare === '') {
    return family === 6 ? make('any6', '::', text, v6Only === false) : make('any4', '0.0.0.0', text);
  }
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(bare);
  } catch {
    // Unparseable text still names one specific address; compare it as written.
    return make(bare.includes(':') ? 'v6' : 'v4', bare + zone, text);
  }
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) return fromV4(v6.toIPv4Address(), text);
    if (v6.range() === 'unspecified') return make('any6', '::', text, v6Only === false);
    return make('v6', v6.toRFC5952String() + zone, text, false, v6.range() === 'multicast');
  }
  return fromV4(parsed as ipaddr.IPv4, text);
}

function fromV4(v4: ipaddr.IPv4, text: string): BindAddress {
  const id = v4.toString();
  if (id === '0.0.0.0') return make('any4', id, text);
  return make('v4', id, text, false, v4.range() === 'multicast');
}

/** "127.0.0.1:3000", "[::1]:3000". */
export function endpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** The address a client would dial, for "connections to X": mapped IPv6 shown as its IPv4. */
export function dialText(bind: BindAddress): string {
  return bind.scope === 'v4' ? bind.id : bind.text;
}

/** How it covers each other: the wider one first, or 'same', or null when they never compete. */
export type Overlap =
  | { shape: 'same' }
  | { shape: 'wider'; wide: 'a' | 'b' }
  /** An IPv4 wildcard against a dual-stack IPv6 wildcard: IPv4 goes to the IPv4 socket. */
  | { shape: 'families'; v4: 'a' | 'b' };

export function overlapOf(a: BindAddress, b: BindAddress): Overlap | null {
  if (a.multicast || b.multicast) return null;
  if (a.scope === b.scope && a.id === b.id) return { shape: 'same' };
  if (covers(a, b)) return { shape: 'wider', wide: 'a' };
  if (covers(b, a)) return { shape: 'wider', wide: 'b' };
  if (a.scope === 'any4' && b.scope === 'any6' && b.dualStack) return { shape: 'families', v4: 'a' };
  if (b.scope === 'any4' && a.scope === 'any6' && a.dualStack) return { shape: 'families', v4: 'b' };
  return null;
}

function covers(wide: BindAddress, narrow: BindAddress): boolean {
  if (wide.scope === 'any4') return narrow.scope === 'v4';
  if (wide.scope === 'any6') return narrow.scope === 'v6' || (wide.dualStack && narrow.scope === 'v4');
  return false;
}

/**
 * Which socket answers localhost, per family (Linux lookup: an exact address beats a wildcard, an
 * IPv4 socket beats a dual-stack IPv6 one). 0 when the binding does not take localhost at all.
 */
export function localhostRank(bind: BindAddress, over: 4 | 6): number {
  if (over === 4) {
    if (bind.scope === 'v4') return bind.localhost ? 3 : 0;
    if (bind.scope === 'any4') return 2;
    return bind.scope === 'any6' && bind.dualStack ? 1 : 0;
  }
  if (bind.scope === 'v6') return bind.localhost ? 2 : 0;
  return bind.scope === 'any6' ? 1 : 0;
}
