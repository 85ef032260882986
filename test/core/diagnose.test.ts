import net from 'node:net';
import { once } from 'node:events';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { diagnosePort, type DiagnoseDeps } from '../../main/core/diagnose.js';
import { engineLookup } from '../../main/core/port-view.js';
import type { PortSocket } from '../../main/core/port-view.js';
import { inRanges, parsePortRange, parseReservedPorts, readPortSysctls, type PortSysctls } from '../../main/core/sysctl-linux.js';
import { cleanup, freePort, spawnHelper, waitFor } from './spawned.js';
import { leaveBehindWithoutReuse } from './left-behind.js';
import { leaveTimeWait } from './time-wait.js';
import { removeServerFolders, spawnWatchedServer } from './watched-server.js';

const linux = process.platform === 'linux';
const closers: (() => Promise<unknown>)[] = [];
// Trial-bind only the protocol whose port number the OS gave us: the same number may be someone else's in the other protocol.
const ONE = { probeOtherProtocol: false } as const;

afterAll(removeServerFolders);

afterEach(async () => {
  // Last in, first out: a client goes before the server it is connected to.
  for (const close of closers.splice(0).reverse()) await close();
  await cleanup();
});


function sysctlsFor(values: Partial<PortSysctls>): Partial<DiagnoseDeps> {
  return { sysctls: async () => ({ unprivilegedPortStart: 1024, ephemeralRange: { from: 32768, to: 60999 }, reservedPorts: [], ...values }) };
}

describe('parseReservedPorts', () => {
  it('parses the kernel format', () => {
    expect(parseReservedPorts('')).toEqual([]);
    expect(parseReservedPorts('\n')).toEqual([]);
    expect(parseReservedPorts('8000-8010,9000\n')).toEqual([
      { from: 8000, to: 8010 },
      { from: 9000, to: 9000 },
    ]);
    expect(parseReservedPorts(' 1 , 65535 ,2-3')).toEqual([
      { from: 1, to: 1 },
      { from: 65535, to: 65535 },
      { from: 2, to: 3 },
    ]);
  });

  it('skips malformed items and keeps the rest', () => {
    expect(parseReservedPorts('abc,80,9-1,70000,1-2-3,,-5,443-443')).toEqual([
      { from: 80, to: 80 },
      { from: 443, to: 443 },
    ]);
  });

  it('never throws, and every range it returns is a valid one', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[0-9,\- ]{0,40}$/)), (text) => {
        for (const r of parseReservedPorts(text)) {
          expect(Number.isInteger(r.from) && Number.isInteger(r.to)).toBe(true);
          expect(0 <= r.from && r.from <= r.to && r.to <= 65535).toBe(true);
        }
      }),
    );
  });

  it('round-trips generated lists', () => {
    const range = fc.tuple(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 65535 })).map(([a, b]) => ({ from: Math.min(a, b), to: Math.max(a, b) }));
    fc.assert(
      fc.property(fc.array(range), (ranges) => {
        const text = ranges.map((r) => (r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`)).join(',');
        expect(parseReservedPorts(text)).toEqual(ranges);
      }),
    );
  });

  it('answers membership', () => {
    const ranges = parseReservedPorts('8000-8010,9000');
    expect([7999, 8000, 8010, 8011, 9000].map((p) => inRanges(p, ranges))).toEqual([false, true, true, false, true]);
  });

  it('parses the ephemeral range', () => {
    expect(parsePortRange('32768\t60999\n')).toEqual({ from: 32768, to: 60999 });
    expect(parsePortRange('60999 32768')).toBeNull();
    expect(parsePortRange('garbage')).toBeNull();
  });
});

describe.runIf(linux)('readPortSysctls', () => {
  it('reads this kernel', async () => {
    const s = await readPortSysctls();
    expect(s).not.toBeNull();
    expect(typeof s!.unprivilegedPortStart).toBe('number');
    expect(s!.ephemeralRange!.from).toBeLessThanOrEqual(s!.ephemeralRange!.to);
    expect(Array.isArray(s!.reservedPorts)).toBe(true);
    expect(await readPortSysctls('darwin')).toBeNull();
  });
});

describe.runIf(linux)('diagnosePort, with real sockets', () => {
  it('says a free port is bindable', async () => {
    const port = await freePort();
    const d = await diagnosePort(port, ONE);
    expect(d.bindable).toBe(true);
    expect(d.verdict).toMatch(/^Yes/);
    expect(d.holders).toEqual([]);
    expect(d.probes.find((p) => p.protocol === 'tcp' && p.address === null)!.result.ok).toBe(true);
    expect(d.probes.find((p) => p.protocol === 'tcp' && p.address === '127.0.0.1')!.result.ok).toBe(true);
    expect(d.findings.some((f) => f.severity === 'blocker')).toBe(false);
    expect(d.findings.map((f) => f.kind)).toContain('free');
  });

  it('names the pid that holds a TCP port', async () => {
    const s = await spawnHelper({ host: '127.0.0.1' });
    const d = await diagnosePort(s.port!, ONE);
    expect(d.bindable).toBe(false);
    expect(d.holders).toMatchObject([{ protocol: 'tcp', endpoint: `127.0.0.1:${s.port}`, owner: 'known', pids: [s.pid], names: ['node'] }]);
    expect(d.findings[0]).toMatchObject({ severity: 'blocker', kind: 'held', pids: [s.pid] });
    expect(d.findings[0]!.message).toBe(`TCP 127.0.0.1:${s.port} is in use by node (pid ${s.pid}).`);
    expect(d.verdict).toContain(`pid ${s.pid}`);
    const probe = (address: string | null) => d.probes.find((p) => p.protocol === 'tcp' && p.address === address)!.result;
    expect(probe('127.0.0.1')).toMatchObject({ ok: false, code: 'EADDRINUSE' });
    expect(probe(null)).toMatchObject({ ok: false, code: 'EADDRINUSE' });
    expect(d.bindableBy.udp).toBeNull();
    if (d.ipv6Available) expect(d.findings.find((f) => f.kind === 'partial')?.message).toContain('[::1]');
    // Started by this test, not by a supervisor: a kill would free it for good.
    expect(d.restarts).toEqual([]);
    expect(d.findings.some((f) => f.kind === 'restarts')).toBe(false);
  });

  it('says who would start the holder again, and what stops both, right after naming it', async () => {
    const { watcher, server } = await spawnWatchedServer();
    const d = await diagnosePort(server.port, ONE);
    const stop = `porthole kill pid:${watcher.pid} --tree`;
    expect(d.restarts).toMatchObject([{ kind: 'watcher', pid: watcher.pid, pids: [server.pid], stop }]);
    expect(d.findings.map((f) => f.kind).slice(0, 2)).toEqual(['held', 'restarts']);
    expect(d.findings[1]).toMatchObject({ severity: 'warning', pids: [server.pid] });
    expect(d.findings[1]!.message).toBe(`node --watch (pid ${watcher.pid}) starts node (pid ${server.pid}) again when a file changes. To stop both: ${stop}`);
  });

  it('names the pid that holds a UDP port', async () => {
    const s = await spawnHelper({ host: '127.0.0.1', udp: true });
    const d = await diagnosePort(s.port!, { ...ONE, protocol: 'udp' });
    expect(d.bindable).toBe(false);
    expect(d.findings[0]).toMatchObject({ severity: 'blocker', kind: 'held', pids: [s.pid] });
    expect(d.findings[0]!.message).toContain(`UDP 127.0.0.1:${s.port}`);
    expect(d.bindableBy.tcp).toBeNull(); // not probed: that port number was only ever ours for UDP
  });

  it('mentions a holder of the other protocol as context only', async () => {
    const port = await freePort();
    const udp: PortSocket = { protocol: 'udp', family: 4, localAddress: '127.0.0.1', localPort: port, remoteAddress: null, remotePort: null, state: 'UNCONN', v6Only: null, pids: [4242], owner: 'known' };
    const d = await diagnosePort(port, { ...ONE, view: { sockets: [udp], processes: new Map([[4242, { name: 'dnsmasq' }]]) } });
    expect(d.bindable).toBe(true);
    expect(d.findings.find((f) => f.kind === 'other-protocol')).toMatchObject({
      severity: 'info',
      message: `UDP 127.0.0.1:${port} is in use by dnsmasq (pid 4242). That doesn't stop a TCP server.`,
    });
  });

  it("finds TIME_WAIT sockets and explains they don't block a SO_REUSEADDR bind", async () => {
    const port = await leaveTimeWait();

    const d = await diagnosePort(port, ONE);
    expect(d.timeWait.count).toBeGreaterThanOrEqual(1);
    expect(d.timeWait.blocksReuseAddrBind).toBe(false);
    expect(d.bindable).toBe(true);
    const f = d.findings.find((x) => x.kind === 'time-wait')!;
    expect(f.severity).toBe('warning');
    // Grammar follows the count: "1 TCP connection ... is ...: it doesn't", "2 ... are ...: they don't".
    expect(f.message).toMatch(
      d.timeWait.count === 1 ? /^1 TCP connection on :\d+ is in TIME_WAIT .*: it doesn't block a server that sets SO_REUSEADDR/ : /connections on :\d+ are in TIME_WAIT .*: they don't block a server that sets SO_REUSEADDR/,
    );
  });

  // What Python's socketserver and plain C servers leave: SO_REUSEADDR cannot pass these.
  it.each(['time-wait', 'fin-wait2'] as const)('blames %s connections a server without SO_REUSEADDR left behind, not a hidden process', async (mode) => {
    const { port } = await leaveBehindWithoutReuse(mode);
    const d = await diagnosePort(port, ONE);
    expect(d.bindable).toBe(false);
    expect(d.findings[0]).toMatchObject({ severity: 'blocker', kind: 'left-behind' });
    const state = mode === 'time-wait' ? 'TIME_WAIT' : 'FIN_WAIT2';
    expect(d.findings[0]!.message).toMatch(new RegExp(`^1 connection on :${port} outlived the server that made it \\(1 ${state}, kept by the kernel, no process\\)\\. That server did not set SO_REUSEADDR, so every new bind of :${port} fails until it ends`));
    expect(d.verdict).toContain('outlived the server');
    expect(d.findings.map((f) => f.kind)).not.toContain('held-unseen');
    expect(d.findings.map((f) => f.kind)).not.toContain('connections');
    // The TIME_WAIT finding would contradict the blocker ("doesn't block a SO_REUSEADDR server").
    expect(d.findings.map((f) => f.kind)).not.toContain('time-wait');
    expect(d.timeWait.blocksReuseAddrBind).toBe(mode === 'time-wait' ? true : null);
  });

  it('blames an outgoing connection that drew the port from the ephemeral range', async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise((r) => server.close(r)));
    // connect() without a local bind: the kernel picks the port and SO_REUSEADDR is not set.
    const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    closers.push(async () => client.destroy());
    await once(client, 'connect');
    const d = await diagnosePort(client.localPort!, ONE);
    expect(d.bindable).toBe(false);
    expect(d.findings[0]).toMatchObject({ severity: 'blocker', kind: 'connections' });
    // Other programs' connections to other peers may draw the same local port number: ours is among them.
    expect(d.findings[0]!.pids).toContain(process.pid);
    expect(d.findings[0]!.message).toMatch(/outgoing connection/);
  });

  it('reports EADDRINUSE that no visible socket explains', async () => {
    const s = await spawnHelper({ host: '127.0.0.1' });
    const d = await diagnosePort(s.port!, { ...ONE, view: { sockets: [] }, uid: 0 });
    expect(d.bindable).toBe(false);
    expect(d.findings[0]).toMatchObject({ severity: 'blocker', kind: 'held-unseen' });
    const asUser = await diagnosePort(s.port!, { ...ONE, view: { sockets: [] }, uid: 1000, deps: sysctlsFor({}) });
    expect(asUser.findings[0]!.message).toMatch(/another user's process.*sudo/);
  });

  it('judges a privileged port for a non-root uid (injected), and for root', async () => {
    const port = await freePort();
    const deps = sysctlsFor({ unprivilegedPortStart: port + 1 });
    const user = await diagnosePort(port, { ...ONE, uid: 1000, deps });
    expect(user.privileged).toEqual({ threshold: port + 1, isPrivileged: true, uid: 1000, isRoot: false });
    expect(user.bindable).toBe(false);
    expect(user.findings[0]).toMatchObject({ severity: 'blocker', kind: 'privileged' });
    expect(user.findings[0]!.message).toContain('uid 1000');

    const root = await diagnosePort(port, { ...ONE, uid: 0, deps });
    expect(root.bindable).toBe(true);
    expect(root.findings.find((f) => f.kind === 'privileged')).toMatchObject({ severity: 'info' });

    // Our own (non-root) uid, yet the trial bind works: a capability, not a blocker.
    const capable = await diagnosePort(port, { ...ONE, deps: { ...deps, currentUid: 1000 } });
    expect(capable.bindable).toBe(true);
    expect(capable.findings.find((f) => f.kind === 'privileged')!.message).toContain('CAP_NET_BIND_SERVICE');

    const unprivileged = await diagnosePort(port, { ...ONE, uid: 1000, deps: sysctlsFor({ unprivilegedPortStart: port }) });
    expect(unprivileged.privileged.isPrivileged).toBe(false);
    expect(unprivileged.findings.some((f) => f.kind === 'privileged')).toBe(false);
  });

  it('places the port in the ephemeral and reserved ranges', async () => {
    const port = await freePort();
    const inside = await diagnosePort(port, { ...ONE, deps: sysctlsFor({ ephemeralRange: { from: port - 1, to: port + 1 } }) });
    expect(inside.inEphemeralRange).toBe(true);
    expect(inside.findings.find((f) => f.kind === 'ephemeral')).toMatchObject({ severity: 'warning' });

    const reservedInside = await diagnosePort(port, { ...ONE, deps: sysctlsFor({ ephemeralRange: { from: port, to: port }, reservedPorts: [{ from: port, to: port }] }) });
    expect(reservedInside.reserved).toBe(true);
    expect(reservedInside.findings.find((f) => f.kind === 'ephemeral')).toMatchObject({ severity: 'info', message: expect.stringMatching(/reserved/) });

    const outside = await diagnosePort(port, { ...ONE, deps: sysctlsFor({ ephemeralRange: { from: 1, to: 2 }, reservedPorts: [{ from: port - 5, to: port + 5 }] }) });
    expect(outside.inEphemeralRange).toBe(false);
    expect(outside.findings.find((f) => f.kind === 'reserved')).toMatchObject({ severity: 'info' });
  });
});

describe('diagnosePort, with injected dependencies', () => {
  const inUse = async () => ({ ok: false as const, code: 'EADDRINUSE', message: 'in use' });
  const hidden: PortSocket = {
    protocol: 'tcp',
    family: 6,
    localAddress: '::',
    localPort: 8080,
    remoteAddress: null,
    remotePort: null,
    state: 'LISTEN',
    v6Only: false,
    pids: [],
    owner: 'hidden',
    hiddenReason: "It belongs to another user's process; run Porthole as root (sudo) to see which.",
  };

  it('explains a hidden, dual-stack holder', async () => {
    const d = await diagnosePort(8080, { view: { sockets: [hidden] }, uid: 1000, deps: { trialBind: inUse, ...sysctlsFor({}) } });
    expect(d.bindable).toBe(false);
    expect(d.findings[0]).toMatchObject({ severity: 'blocker', kind: 'held-hidden' });
    expect(d.findings[0]!.message).toBe(`TCP *:8080 (dual-stack, so IPv4 too) is in use by a process we can't see: ${hidden.hiddenReason}`);
  });

  it('survives a failed socket lookup: the trial binds still decide', async () => {
    const d = await diagnosePort(8080, {
      deps: { sockets: () => Promise.reject(new Error('ss: not found')), trialBind: async () => ({ ok: true }), sysctls: async () => null },
    });
    expect(d.lookupError).toBe('ss: not found');
    expect(d.bindable).toBe(true);
    expect(d.findings.find((f) => f.kind === 'lookup-failed')!.message).toContain('ss: not found');
  });

  it('reports a machine without IPv6', async () => {
    const noV6 = async (spec: { address: string | null }) =>
      spec.address?.includes(':') ? { ok: false as const, code: 'EADDRNOTAVAIL', message: 'no' } : { ok: true as const };
    const d = await diagnosePort(8080, { view: { sockets: [] }, deps: { trialBind: noV6, sysctls: async () => null } });
    expect(d.ipv6Available).toBe(false);
    expect(d.bindable).toBe(true);
    expect(d.bindableBy.udp).toBe(true);
    expect(d.findings.find((f) => f.kind === 'no-ipv6')).toBeDefined();
  });

  it('throws only for a port that is not a port', async () => {
    for (const bad of [0, -1, 65536, 1.5, Number.NaN]) await expect(diagnosePort(bad)).rejects.toThrow(RangeError);
  });
});
