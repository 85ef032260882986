// The set of trial binds behind "why can't I bind :PORT?": every family, wildcard and loopback,
// for TCP and UDP, plus what a bare `server.listen(port)` does.
import type { Family, Protocol } from './model.js';
import type { BindResult, BindSpec } from './trial-bind.js';

export interface BindProbe {
  protocol: Protocol;
  /** null: Node's default for `listen(port)` (dual-stack "::", falling back to 0.0.0.0 without IPv6). */
  address: string | null;
  family: Family | null;
  scope: 'default' | 'wildcard' | 'loopback';
  ipv6Only: boolean;
  /** "TCP *:3000 (listen(port) default)", "UDP [::1]:3000" */
  label: string;
  result: BindResult;
}

const SHAPES: ReadonlyArray<Omit<BindProbe, 'label' | 'result'>> = [
  { protocol: 'tcp', address: null, family: null, scope: 'default', ipv6Only: false },
  { protocol: 'tcp', address: '0.0.0.0', family: 4, scope: 'wildcard', ipv6Only: false },
  // IPv6-only, so it says something the default probe didn't: is the IPv6 side alone free?
  { protocol: 'tcp', address: '::', family: 6, scope: 'wildcard', ipv6Only: true },
  { protocol: 'tcp', address: '127.0.0.1', family: 4, scope: 'loopback', ipv6Only: false },
  { protocol: 'tcp', address: '::1', family: 6, scope: 'loopback', ipv6Only: false },
  { protocol: 'udp', address: '0.0.0.0', family: 4, scope: 'wildcard', ipv6Only: false },
  { protocol: 'udp', address: '::', family: 6, scope: 'wildcard', ipv6Only: true },
  { protocol: 'udp', address: '127.0.0.1', family: 4, scope: 'loopback', ipv6Only: false },
  { protocol: 'udp', address: '::1', family: 6, scope: 'loopback', ipv6Only: false },
];

export function probeLabel(p: Pick<BindProbe, 'protocol' | 'address' | 'ipv6Only'>, port: number): string {
  const proto = p.protocol.toUpperCase();
  if (p.address === null) return `${proto} *:${port} (the default of listen(port))`;
  const host = p.address.includes(':') ? `[${p.address}]` : p.address;
  return `${proto} ${host}:${port}${p.ipv6Only ? ' (IPv6 only)' : ''}`;
}

/** One at a time: our own probes on overlapping addresses would otherwise collide with each other. */
export async function runProbes(port: number, bind: (spec: BindSpec) => Promise<BindResult>, protocols: readonly Protocol[] = ['tcp', 'udp']): Promise<BindProbe[]> {
  const out: BindProbe[] = [];
  for (const shape of SHAPES.filter((s) => protocols.includes(s.protocol))) {
    const spec: BindSpec = { protocol: shape.protocol, address: shape.address, port };
    if (shape.ipv6Only) spec.ipv6Only = true;
    out.push({ ...shape, label: probeLabel(shape, port), result: await bind(spec) });
  }
  return out;
}

/** Errors that mean "this machine has no IPv6 here", not "the port is taken". */
export function isNoIpv6(result: BindResult): boolean {
  return !result.ok && (result.code === 'EADDRNOTAVAIL' || result.code === 'EAFNOSUPPORT' || result.code === 'EPROTONOSUPPORT');
}
