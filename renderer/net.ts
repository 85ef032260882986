// Who can reach a listener, from its bound address alone: loopback-only or the whole network.
import type { Socket } from '../main/core/model.js';

export type Exposure = 'loopback' | 'network';

export function isLoopbackAddress(address: string): boolean {
  const a = address.toLowerCase().replace(/%.*$/, '');
  if (a === '::1' || a === '0:0:0:0:0:0:0:1') return true;
  if (a.startsWith('127.')) return true;
  // IPv4-mapped IPv6 ("::ffff:127.0.0.1") reaches the same loopback.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  return mapped !== null && mapped[1]!.startsWith('127.');
}

/** Wildcards ("0.0.0.0", "::", "*") and any non-loopback address are reachable from the network. */
export function exposure(s: Pick<Socket, 'localAddress'>): Exposure {
  return isLoopbackAddress(s.localAddress) ? 'loopback' : 'network';
}

export const EXPOSURE_TEXT: Record<Exposure, string> = {
  loopback: 'loopback only',
  network: 'reachable from the network',
};
