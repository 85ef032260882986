// A real bind, closed at once: the only test of "is this port free?" the kernel can't get wrong.
// A failed bind is data (EADDRINUSE, EACCES, EADDRNOTAVAIL), never an exception.
//
// It must not disturb whoever holds the port. It doesn't: we never set SO_REUSEPORT (joining a
// reuseport group would steal a share of someone's connections), `exclusive` keeps a cluster
// worker from borrowing the primary's handle, and a failed bind takes nothing from anyone.
import dgram from 'node:dgram';
import net from 'node:net';
import type { Protocol } from './model.js';

export interface BindSpec {
  protocol: Protocol;
  /** A literal address. null = what `server.listen(port)` does with no host: dual-stack "::", or 0.0.0.0 without IPv6 (TCP only). */
  address: string | null;
  port: number;
  /** For "::": accept IPv6 only. Node's default (false) is dual-stack and also takes IPv4. */
  ipv6Only?: boolean;
}

export type BindResult = { ok: true } | { ok: false; code: string; message: string };

export function isValidPort(port: unknown): port is number {
  return typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535;
}

export function trialBind(spec: BindSpec): Promise<BindResult> {
  if (!isValidPort(spec.port)) throw new RangeError(`trialBind: not a port: ${String(spec.port)}`);
  const bindable = { ...spec, address: spec.address === null ? null : bindableAddress(spec.address) };
  return spec.protocol === 'tcp' ? bindTcp(bindable) : bindUdp(bindable);
}

/**
 * The address as Node can bind it. An IPv4 socket bound to a device (SO_BINDTODEVICE, which `ss`
 * shows as 127.0.0.53%lo) has no such form, and Node cannot bind to a device: the address alone
 * asks the same question, since a socket bound to no device collides with one bound to any.
 * IPv6 keeps its zone (fe80::1%eth0): there it is part of the address.
 */
export function bindableAddress(address: string): string {
  const at = address.indexOf('%');
  return at > 0 && net.isIPv4(address.slice(0, at)) ? address.slice(0, at) : address;
}

function failure(err: unknown): BindResult {
  const e = err as NodeJS.ErrnoException;
  return { ok: false, code: typeof e?.code === 'string' ? e.code : 'UNKNOWN', message: e?.message ?? String(err) };
}

function bindTcp(spec: BindSpec): Promise<BindResult> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (err) => resolve(failure(err)));
    const options: net.ListenOptions = { port: spec.port, exclusive: true };
    if (spec.address !== null) options.host = spec.address;
    if (spec.ipv6Only) options.ipv6Only = true;
    // Node sets SO_REUSEADDR on TCP servers, as nearly every server runtime does: the result is what
    // a typical dev server would get, TIME_WAIT included.
    server.listen(options, () => server.close(() => resolve({ ok: true })));
  });
}

function bindUdp(spec: BindSpec): Promise<BindResult> {
  return new Promise((resolve) => {
    const address = spec.address ?? '0.0.0.0';
    const socket = dgram.createSocket({ type: net.isIPv6(address) ? 'udp6' : 'udp4', ipv6Only: spec.ipv6Only ?? false });
    socket.once('error', (err) => {
      try {
        socket.close();
      } catch {
        // Already closed by the failed bind.
      }
      resolve(failure(err));
    });
    socket.bind({ port: spec.port, address, exclusive: true }, () => socket.close(() => resolve({ ok: true })));
  });
}
