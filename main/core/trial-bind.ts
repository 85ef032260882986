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
  return spec.protocol === 'tcp' ? bindTcp(spec) : bindUdp(spec);
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
