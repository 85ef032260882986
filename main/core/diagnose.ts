// "Why can't I bind :PORT?" Combines what the socket table says (who holds it, TIME_WAIT,
// connections), what the kernel's settings say (privileged, ephemeral, reserved) and what a real
// trial bind says, into a verdict and one plain sentence per finding, most important first.
import { isNoIpv6, runProbes, type BindProbe } from './bind-probes.js';
import type { Protocol } from './model.js';
import { endpointLabel, engineLookup, holdsPort, isLeftBehind, ownersLabel, processName, protocolLabel, stateCounts, type PortSocket, type PortView, type SocketLookup } from './port-view.js';
import { inRanges, readPortSysctls, type PortRange, type PortSysctls } from './sysctl-linux.js';
import { platformIdentity } from './identity.js';
import type { PlannedSupervision } from './supervision.js';
import { superviseAll, supervisionReader, type SupervisionReader } from './supervision-lookup.js';
import { isValidPort, trialBind, type BindResult, type BindSpec } from './trial-bind.js';

export type { BindProbe } from './bind-probes.js';

export type Severity = 'blocker' | 'warning' | 'info';

export type FindingKind =
  | 'held' // a socket holds it (owner known)
  | 'held-hidden' // a socket holds it, owner hidden by the OS
  | 'held-unseen' // a bind fails with EADDRINUSE but no socket we can see explains it
  | 'other-protocol' // held, but by the protocol we're not asking about
  | 'privileged'
  | 'bind-failed' // a trial bind failed for another reason
  | 'connections' // connections (not listeners) use the port as their local port
  | 'time-wait'
  | 'left-behind' // connections that outlived a server without SO_REUSEADDR block every bind
  | 'ephemeral'
  | 'reserved'
  | 'no-ipv6'
  | 'partial' // some specific address would still work
  | 'restarts' // a supervisor would start the holder again after a kill
  | 'lookup-failed'
  | 'free';

export interface Finding {
  severity: Severity;
  kind: FindingKind;
  /** One plain sentence. */
  message: string;
  pids?: number[];
}

export interface PortHolder {
  protocol: Protocol;
  endpoint: string;
  address: string;
  family: 4 | 6;
  v6Only: boolean | null;
  owner: PortSocket['owner'];
  pids: number[];
  names: string[];
  hiddenReason?: string;
}

export interface Diagnosis {
  port: number;
  /** The protocol the verdict is about. */
  protocol: Protocol;
  /** Could a typical server (`listen(port)`: all addresses, both families) bind it now? */
  bindable: boolean;
  /** Per protocol, same rule. null for a protocol that was not probed. */
  bindableBy: Record<Protocol, boolean | null>;
  /** One sentence answering the question. */
  verdict: string;
  /** Most important first: blockers, then warnings, then information. */
  findings: Finding[];
  probes: BindProbe[];
  holders: PortHolder[];
  timeWait: { count: number; blocksReuseAddrBind: boolean | null };
  privileged: { threshold: number | null; isPrivileged: boolean | null; uid: number | null; isRoot: boolean | null };
  ephemeralRange: PortRange | null;
  inEphemeralRange: boolean | null;
  reserved: boolean | null;
  ipv6Available: boolean;
  lookupError: string | null;
  /** Who would start the holders again if they were stopped, and what stops that for good. */
  restarts: PlannedSupervision[];
}

export interface DiagnoseDeps {
  sockets: SocketLookup;
  trialBind(spec: BindSpec): Promise<BindResult>;
  sysctls(): Promise<PortSysctls | null>;
  /** The real uid of this process (null on Windows). */
  currentUid: number | null;
  /** Who starts a holder again (see supervision.ts); null for nobody we know. */
  supervisionOf: SupervisionReader;
}

export interface DiagnoseOptions {
  /** Which protocol the verdict is about. Default 'tcp'. */
  protocol?: Protocol;
  /** Trial-bind the other protocol too, for context. Default true. */
  probeOtherProtocol?: boolean;
  /** Sockets already collected (a Snapshot will do); otherwise deps.sockets({ port }) is asked. */
  view?: PortView;
  /** Judge privileged ports for this uid instead of ours (e.g. "as my normal user", or tests run as root). */
  uid?: number | null;
  deps?: Partial<DiagnoseDeps>;
}

export function defaultDiagnoseDeps(): DiagnoseDeps {
  return {
    sockets: engineLookup,
    trialBind,
    sysctls: () => readPortSysctls(),
    currentUid: process.getuid?.() ?? null,
    supervisionOf: supervisionReader(process.platform, platformIdentity()),
  };
}

/** Throws RangeError for a port outside 1-65535 (validate user input with isValidPort first). Otherwise never throws. */
export async function diagnosePort(port: number, options: DiagnoseOptions = {}): Promise<Diagnosis> {
  if (!isValidPort(port)) throw new RangeError(`diagnosePort: not a port: ${String(port)}`);
  const deps: DiagnoseDeps = { ...defaultDiagnoseDeps(), ...options.deps };
  const protocol = options.protocol ?? 'tcp';
  const uid = options.uid !== undefined ? options.uid : deps.currentUid;

  let view = options.view;
  let lookupError: string | null = null;
  if (!view) {
    try {
      view = await deps.sockets({ port });
    } catch (err) {
      lookupError = (err as Error).message;
    }
  }
  const sysctls = await deps.sysctls().catch(() => null);
  const other: Protocol = protocol === 'tcp' ? 'udp' : 'tcp';
  const probes = await runProbes(port, deps.trialBind, options.probeOtherProtocol === false ? [protocol] : [protocol, other]);
  const sockets = (view?.sockets ?? []).filter((s) => s.localPort === port);
  const holders = groupHolders(sockets.filter(holdsPort), view);

  // Undefined for a protocol that was not probed.
  const probe = (p: Protocol, address: string | null) => probes.find((x) => x.protocol === p && x.address === address)?.result;
  const ipv6Available = !isNoIpv6(probe(protocol, '::1')!);
  const commonCaseOk = (p: Protocol): boolean | null => {
    const main = probe(p, p === 'tcp' ? null : '0.0.0.0');
    if (!main) return null;
    return p === 'tcp' ? main.ok : main.ok && (!ipv6Available || probe('udp', '::')?.ok === true);
  };

  const findings: Finding[] = [];
  const add = (severity: Severity, kind: FindingKind, message: string, pids?: number[]) => findings.push({ severity, kind, message, ...(pids ? { pids } : {}) });

  // 1. Who holds it.
  for (const h of holders) {
    const other = h.protocol !== protocol;
    const dual = h.family === 6 && h.address === '::' && h.v6Only === false ? ' (dual-stack, so IPv4 too)' : '';
    const tail = other ? ` That doesn't stop a ${protocolLabel(protocol)} server.` : '';
    const where = `${protocolLabel(h.protocol)} ${h.endpoint}${dual}`;
    if (h.owner === 'known') add(other ? 'info' : 'blocker', other ? 'other-protocol' : 'held', `${where} is in use by ${ownersLabel(h.pids, (p) => processName(view, p))}.${tail}`, h.pids);
    else if (h.owner === 'hidden') add(other ? 'info' : 'blocker', other ? 'other-protocol' : 'held-hidden', `${where} is in use by a process we can't see: ${h.hiddenReason ?? 'the OS would not say which.'}${tail}`);
    else add(other ? 'info' : 'blocker', other ? 'other-protocol' : 'held', `${where} is held by the kernel itself, not by any process.${tail}`);
  }

  // 1b. Who would start the holders again: a kill alone would free the port for a moment.
  const heldBy = [...new Set(holders.filter((h) => h.owner === 'known' && h.protocol === protocol).flatMap((h) => h.pids))];
  const restarts = heldBy.length === 0 ? [] : await superviseAll(heldBy.map((pid) => ({ pid, name: processName(view, pid) })), deps.supervisionOf);
  for (const s of restarts) add('warning', 'restarts', `${s.text} ${s.stop}`, s.pids);

  // 2. Connections using the port locally, held by a process. Accepted connections of a SO_REUSEADDR
  // server don't block a new server; an outgoing connection that drew this port from the ephemeral
  // range does. Connections no process holds any more come under 2b.
  const range = sysctls?.ephemeralRange ?? null;
  const inEphemeralRange = range === null ? null : port >= range.from && port <= range.to;
  const conns = sockets.filter((s) => !holdsPort(s) && !isLeftBehind(s) && s.protocol === protocol);
  const inUse = probes.some((p) => p.protocol === protocol && !p.result.ok && p.result.code === 'EADDRINUSE');
  const protoHolders = holders.filter((h) => h.protocol === protocol);
  if (conns.length > 0) {
    const pids = [...new Set(conns.flatMap((s) => s.pids))].sort((a, b) => a - b);
    const who = pids.length > 0 ? ownersLabel(pids, (p) => processName(view, p)) : 'processes we cannot see';
    const blame = inUse && protoHolders.length === 0;
    const outgoing = inEphemeralRange ? ' (an outgoing connection the kernel gave this port to)' : '';
    add(
      blame ? 'blocker' : 'info',
      'connections',
      blame
        ? `${who} ${conns.length === 1 ? 'has a connection' : 'have connections'} whose local port is ${port}${outgoing}, and that blocks a new server until it closes.`
        : `${conns.length} connection${conns.length === 1 ? '' : 's'} of ${who} use${conns.length === 1 ? 's' : ''} :${port} as the local port; they don't stop a server that sets SO_REUSEADDR.`,
      pids,
    );
  }

  // 2b. Connections that outlived the server that made them. Our trial bind sets SO_REUSEADDR, which
  // passes them unless that server did not: when nothing else is in the way, they are the reason.
  const leftBehind = sockets.filter((s) => isLeftBehind(s) && s.protocol === protocol);
  const blockedByLeftBehind = inUse && protoHolders.length === 0 && leftBehind.length > 0 && !findings.some((f) => f.kind === 'connections' && f.severity === 'blocker');
  if (blockedByLeftBehind) {
    const one = leftBehind.length === 1;
    const finWait = leftBehind.some((s) => s.state !== 'TIME_WAIT');
    add(
      'blocker',
      'left-behind',
      `${one ? '1 connection' : `${leftBehind.length} connections`} on :${port} outlived the server that made ${one ? 'it' : 'them'} (${stateCounts(leftBehind)}, kept by the kernel, no process). That server did not set SO_REUSEADDR, so every new bind of :${port} fails until ${one ? 'it ends' : 'they end'}: TIME_WAIT within about 60 s${finWait ? ', FIN_WAIT2 once the other end closes its side (or after net.ipv4.tcp_fin_timeout)' : ''}.`,
    );
  }

  // 3. In use, yet nothing we can see explains it.
  if (inUse && protoHolders.length === 0 && !blockedByLeftBehind && !findings.some((f) => f.kind === 'connections' && f.severity === 'blocker')) {
    const why =
      lookupError !== null
        ? `the sockets could not be listed (${lookupError})`
        : uid === 0
          ? 'it may be held by a process in another PID namespace, or by the kernel (NFS, a tunnel)'
          : "it is most likely another user's process: run as root (sudo) to see it";
    add('blocker', 'held-unseen', `A trial bind of ${protocolLabel(protocol)} :${port} fails with EADDRINUSE, but no socket we can see explains it: ${why}.`);
  }

  // 4. Privileged ports.
  const threshold = sysctls?.unprivilegedPortStart ?? null;
  const isPrivileged = threshold === null ? null : port < threshold;
  const isRoot = uid === null ? null : uid === 0;
  const eacces = probes.some((p) => p.protocol === protocol && !p.result.ok && p.result.code === 'EACCES');
  let privilegeBlocks = false;
  if (isPrivileged && threshold !== null) {
    if (isRoot) {
      add('info', 'privileged', `:${port} is a privileged port (below ${threshold}): fine as root, but a server run as a normal user would get EACCES.`);
    } else if (uid !== null && uid === deps.currentUid && !eacces && commonCaseOk(protocol) === true) {
      add('info', 'privileged', `:${port} is below ${threshold}, normally reserved for root, but this process may bind it anyway (it has CAP_NET_BIND_SERVICE).`);
    } else {
      privilegeBlocks = true;
      add(
        'blocker',
        'privileged',
        `:${port} is a privileged port: below ${threshold}, only root or a program with CAP_NET_BIND_SERVICE may bind it${uid === null ? '' : `, and uid ${uid} is neither`}; use a port of ${threshold} or more, or grant the capability (sudo setcap cap_net_bind_service=+ep "$(command -v node)").`,
      );
    }
  } else if (eacces) {
    privilegeBlocks = true;
    add('blocker', 'privileged', `A trial bind of :${port} is refused with EACCES: this user may not bind it (a privileged port, or a security policy such as SELinux).`);
  }

  // 5. Other bind failures (anything but in-use, permission and "no IPv6").
  for (const p of probes) {
    const r = p.result;
    if (r.ok || r.code === 'EADDRINUSE' || r.code === 'EACCES' || isNoIpv6(r)) continue;
    add(p.protocol === protocol && p.scope === 'default' ? 'blocker' : 'warning', 'bind-failed', `A trial bind of ${p.label} failed with ${r.code}: ${r.message}.`);
  }

  // 6. TIME_WAIT.
  const timeWaitCount = sockets.filter((s) => s.protocol === 'tcp' && s.state === 'TIME_WAIT').length;
  const tcpOk = probe('tcp', null)?.ok ?? null;
  // Already the blocker above, which says the rest.
  const timeWaitBlocks = protocol === 'tcp' && blockedByLeftBehind && timeWaitCount > 0;
  if (timeWaitCount > 0 && !timeWaitBlocks) {
    const one = timeWaitCount === 1;
    const [n, is, they, doNot, expire] = one
      ? ['1 TCP connection', 'is', 'it', "doesn't", 'it expires']
      : [`${timeWaitCount} TCP connections`, 'are', 'they', "don't", 'they expire'];
    add(
      protocol === 'tcp' ? 'warning' : 'info',
      'time-wait',
      `${n} on :${port} ${is} in TIME_WAIT (kept by the kernel, no process, gone within about 60 s): ${
        tcpOk
          ? `${they} ${doNot} block a server that sets SO_REUSEADDR (Node, Go, nginx and most servers do), but a program that doesn't would get EADDRINUSE until ${expire}`
          : `a server that doesn't set SO_REUSEADDR gets EADDRINUSE until ${expire}`
      }.`,
    );
  }

  // 7. Kernel port ranges.
  const reserved = sysctls?.reservedPorts ? inRanges(port, sysctls.reservedPorts) : null;
  if (inEphemeralRange && range) {
    add(
      reserved ? 'info' : 'warning',
      'ephemeral',
      reserved
        ? `:${port} is inside the ephemeral range ${range.from}-${range.to}, but it is listed in net.ipv4.ip_local_reserved_ports, so outgoing connections won't take it.`
        : `:${port} is inside the ephemeral range ${range.from}-${range.to}: the kernel may hand it to an outgoing connection at any moment; pick a port below ${range.from} or add it to net.ipv4.ip_local_reserved_ports.`,
    );
  } else if (reserved) {
    add('info', 'reserved', `:${port} is listed in net.ipv4.ip_local_reserved_ports: outgoing connections never take it, and explicit binds still work.`);
  }

  // 8. IPv6.
  if (!ipv6Available) {
    const r = probe(protocol, '::1')!;
    add('info', 'no-ipv6', `IPv6 is not available here (binding ::1 fails with ${r.ok ? '' : r.code}), so "localhost" has to resolve to 127.0.0.1 to reach a server.`);
  }

  const judged = (p: Protocol) => {
    const ok = commonCaseOk(p);
    return ok === null ? null : ok && !(p === protocol && privilegeBlocks);
  };
  const bindableBy: Record<Protocol, boolean | null> = { tcp: judged('tcp'), udp: judged('udp') };
  const bindable = bindableBy[protocol] === true;

  // 9. What would still work, or confirmation that all of it does.
  const specific = probes.filter((p) => p.protocol === protocol && p.scope !== 'default' && p.result.ok);
  if (!bindable && !privilegeBlocks && specific.length > 0) {
    add('info', 'partial', `Binding only ${specific.map((p) => p.label).join(' or ')} would work now.`);
  }
  if (bindable) add('info', 'free', `Trial binds of ${protocolLabel(protocol)} :${port} on every address succeeded and were closed at once.`);
  if (lookupError !== null) add('warning', 'lookup-failed', `The sockets on :${port} could not be listed (${lookupError}); the trial binds still show whether it is free.`);

  const rank: Record<Severity, number> = { blocker: 0, warning: 1, info: 2 };
  const sorted = findings.map((f, i) => ({ f, i })).sort((a, b) => rank[a.f.severity] - rank[b.f.severity] || a.i - b.i).map((x) => x.f);
  const first = sorted.find((f) => f.severity === 'blocker');
  const verdict = bindable ? verdictHeadline(true, protocol, port) : `${verdictHeadline(false, protocol, port)} ${first?.message ?? 'A trial bind failed.'}`;

  return {
    port,
    protocol,
    bindable,
    bindableBy,
    verdict,
    findings: sorted,
    probes,
    holders,
    timeWait: { count: timeWaitCount, blocksReuseAddrBind: timeWaitBlocks ? true : timeWaitCount > 0 && tcpOk === true ? false : null },
    privileged: { threshold, isPrivileged, uid, isRoot },
    ephemeralRange: range,
    inEphemeralRange,
    reserved,
    ipv6Available,
    lookupError,
    restarts,
  };
}

/** One holder per (protocol, endpoint, owner, pids): several reuseport sockets of one server read as one. */
function groupHolders(sockets: PortSocket[], view: PortView | undefined): PortHolder[] {
  const out = new Map<string, PortHolder>();
  for (const s of sockets) {
    const endpoint = endpointLabel(s);
    const key = `${s.protocol}|${endpoint}|${s.owner}|${s.pids.join(',')}`;
    if (out.has(key)) continue;
    out.set(key, {
      protocol: s.protocol,
      endpoint,
      address: s.localAddress,
      family: s.family,
      v6Only: s.v6Only,
      owner: s.owner,
      pids: s.pids,
      names: s.pids.map((p) => processName(view, p)),
      ...(s.hiddenReason ? { hiddenReason: s.hiddenReason } : {}),
    });
  }
  return [...out.values()];
}

/** The verdict's yes or no, without the reason: for a caller that lists the findings itself (the CLI). */
export function verdictHeadline(bindable: boolean, protocol: Protocol, port: number): string {
  return bindable ? `Yes: a ${protocolLabel(protocol)} server can bind :${port} now.` : `No: a ${protocolLabel(protocol)} server can't bind :${port} now.`;
}
