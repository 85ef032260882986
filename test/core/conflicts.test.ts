import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectConflicts } from '../../main/core/conflicts.js';
import { socketKey, type Conflict, type ProcessInfo, type Socket, type SocketState } from '../../main/core/model.js';

type SocketInput = Partial<Omit<Socket, 'key'>> & { localAddress: string; localPort: number };

function sock(input: SocketInput): Socket {
  const base: Omit<Socket, 'key'> = {
    protocol: 'tcp',
    family: input.localAddress.includes(':') ? 6 : 4,
    remoteAddress: null,
    remotePort: null,
    state: input.protocol === 'udp' ? 'UNCONN' : 'LISTEN',
    inode: null,
    uid: 1000,
    v6Only: null,
    pids: [],
    owner: input.pids && input.pids.length > 0 ? 'known' : 'hidden',
    service: null,
    ...input,
  };
  return { ...base, key: socketKey(base) };
}

function proc(pid: number, name: string, extra: Partial<ProcessInfo> = {}): ProcessInfo {
  // ppid 1 is init: unrelated top-level programs unless a test says otherwise.
  return { pid, name, exe: `/usr/bin/${name}`, command: name, argv: [name], cwd: null, user: 'me', uid: 1000, startTime: 0, ppid: 1, ...extra };
}

function processes(...list: ProcessInfo[]): Map<number, ProcessInfo> {
  return new Map(list.map((p) => [p.pid, p]));
}

const only = (conflicts: Conflict[], kind: Conflict['kind']) => conflicts.filter((c) => c.kind === kind);

describe('address-overlap', () => {
  const procs = processes(proc(123, 'node'), proc(456, 'python3'));

  it('flags a wildcard and a specific address held by different programs, in one sentence', () => {
    const a = sock({ localAddress: '0.0.0.0', localPort: 3000, pids: [123] });
    const b = sock({ localAddress: '127.0.0.1', localPort: 3000, pids: [456] });
    const conflicts = detectConflicts([b, a], procs);
    expect(conflicts).toEqual([
      {
        id: 'address-overlap:tcp:3000:123+456',
        kind: 'address-overlap',
        protocol: 'tcp',
        port: 3000,
        pids: [123, 456],
        socketKeys: [a.key, b.key].sort(),
        reason:
          'node (pid 123) listens on 0.0.0.0:3000 and python3 (pid 456) on 127.0.0.1:3000: ' +
          'connections to 127.0.0.1 reach python3, everything else reaches node.',
        severity: 'warning',
      },
    ]);
  });

  it('treats an IPv4-mapped IPv6 bind as the IPv4 address it maps', () => {
    const conflicts = detectConflicts(
      [sock({ localAddress: '0.0.0.0', localPort: 3000, pids: [123] }), sock({ localAddress: '::ffff:127.0.0.1', localPort: 3000, pids: [456] })],
      procs,
    );
    expect(conflicts.map((c) => c.kind)).toEqual(['address-overlap']);
    expect(conflicts[0]!.reason).toContain('[::ffff:127.0.0.1]:3000');
    expect(conflicts[0]!.reason).toContain('connections to 127.0.0.1 reach python3');
  });

  it('flags a dual-stack "::" against a specific IPv4 address, but not a v6-only or unknown one', () => {
    const specific = sock({ localAddress: '127.0.0.1', localPort: 8000, pids: [456] });
    const dual = detectConflicts([sock({ localAddress: '::', localPort: 8000, pids: [123], v6Only: false }), specific], procs);
    expect(dual.map((c) => c.kind)).toEqual(['address-overlap']);
    expect(dual[0]!.reason).toBe(
      'node (pid 123) listens on [::]:8000 (IPv4 and IPv6) and python3 (pid 456) on 127.0.0.1:8000: ' +
        'connections to 127.0.0.1 reach python3, everything else reaches node.',
    );
    for (const v6Only of [true, null]) {
      const kinds = detectConflicts([sock({ localAddress: '::', localPort: 8000, pids: [123], v6Only }), specific], procs).map((c) => c.kind);
      expect(kinds).toEqual(['dual-stack-split']);
    }
  });

  it('says IPv4 goes to the IPv4 wildcard when the other is a dual-stack "::"', () => {
    const conflicts = detectConflicts(
      [sock({ localAddress: '0.0.0.0', localPort: 8080, pids: [123] }), sock({ localAddress: '::', localPort: 8080, pids: [456], v6Only: false })],
      procs,
    );
    expect(conflicts.map((c) => c.kind)).toEqual(['address-overlap']);
    expect(conflicts[0]!.reason).toContain('IPv4 connections reach node, IPv6 connections reach python3');
  });

  it('flags "::" against a specific IPv6 address, with zone ids kept apart and never crashing', () => {
    const conflicts = detectConflicts(
      [
        sock({ localAddress: 'fe80::1%eth0', localPort: 9000, pids: [123] }),
        sock({ localAddress: 'fe80::1%eth1', localPort: 9000, pids: [456] }),
      ],
      procs,
    );
    expect(conflicts).toEqual([]);
    const withWildcard = detectConflicts(
      [sock({ localAddress: 'fe80::1%eth0', localPort: 9000, pids: [123] }), sock({ localAddress: '::', localPort: 9000, pids: [456], v6Only: true })],
      procs,
    );
    expect(withWildcard.map((c) => c.kind)).toEqual(['address-overlap']);
    expect(withWildcard[0]!.reason).toContain('[fe80::1%eth0]:9000');
  });

  it('flags the same specific address held twice by unrelated processes (SO_REUSEPORT across programs)', () => {
    const conflicts = detectConflicts(
      [
        sock({ localAddress: '127.0.0.1', localPort: 3000, pids: [123], inode: 1 }),
        sock({ localAddress: '127.0.0.1', localPort: 3000, pids: [456], inode: 2 }),
      ],
      procs,
    );
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ kind: 'address-overlap', pids: [123, 456], severity: 'warning' });
    expect(conflicts[0]!.reason).toBe(
      'node (pid 123) and python3 (pid 456) both listen on 127.0.0.1:3000: new connections to 127.0.0.1 go to either one, unpredictably.',
    );
  });

  it('compares "::" with v6Only null and "::" with v6Only false as the same address', () => {
    const conflicts = detectConflicts(
      [sock({ localAddress: '::', localPort: 4000, pids: [123], v6Only: null, inode: 1 }), sock({ localAddress: '::', localPort: 4000, pids: [456], v6Only: false, inode: 2 })],
      procs,
    );
    expect(conflicts.map((c) => c.kind)).toEqual(['address-overlap']);
    expect(conflicts[0]!.reason).toContain('go to either one');
  });

  it('reads ss\'s "*" on an IPv6 socket as a dual-stack wildcard', () => {
    const conflicts = detectConflicts(
      [sock({ localAddress: '*', family: 6, v6Only: false, localPort: 3000, pids: [123] }), sock({ localAddress: '127.0.0.1', localPort: 3000, pids: [456] })],
      procs,
    );
    expect(conflicts.map((c) => c.kind)).toEqual(['address-overlap']);
    expect(conflicts[0]!.reason).toContain('connections to 127.0.0.1 reach python3, everything else reaches node');
  });

  it('keeps each family to itself when both programs are wider somewhere', () => {
    const conflicts = detectConflicts(
      [
        sock({ localAddress: '0.0.0.0', localPort: 3000, pids: [123] }),
        sock({ localAddress: '::1', localPort: 3000, pids: [123] }),
        sock({ localAddress: '127.0.0.1', localPort: 3000, pids: [456] }),
        sock({ localAddress: '::', localPort: 3000, pids: [456], v6Only: true }),
      ],
      procs,
    );
    expect(conflicts.map((c) => c.kind)).toEqual(['address-overlap']);
    expect(conflicts[0]!.reason).toBe(
      'node (pid 123) listens on 0.0.0.0:3000 and [::1]:3000, and python3 (pid 456) on 127.0.0.1:3000 and [::]:3000: ' +
        'connections to 127.0.0.1 reach python3, other IPv4 connections reach node; connections to ::1 reach node, other IPv6 connections reach python3.',
    );
  });

  it('tells two processes of the same program apart by pid', () => {
    const conflicts = detectConflicts(
      [sock({ localAddress: '0.0.0.0', localPort: 3000, pids: [7] }), sock({ localAddress: '127.0.0.1', localPort: 3000, pids: [8] })],
      processes(proc(7, 'node'), proc(8, 'node')),
    );
    expect(conflicts[0]!.reason).toContain('connections to 127.0.0.1 reach node (pid 8), everything else reaches node (pid 7)');
  });

  it('flags a hidden owner against a visible one, naming its uid', () => {
    const conflicts = detectConflicts(
      [sock({ localAddress: '0.0.0.0', localPort: 5000, pids: [], owner: 'hidden', uid: 0 }), sock({ localAddress: '127.0.0.1', localPort: 5000, pids: [123] })],
      procs,
    );
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ kind: 'address-overlap', pids: [123], id: 'address-overlap:tcp:5000:123+hidden:uid0' });
    expect(conflicts[0]!.reason).toBe(
      'a hidden process (uid 0) listens on 0.0.0.0:5000 and node (pid 123) on 127.0.0.1:5000: connections to 127.0.0.1 reach node, everything else reaches the uid 0 process.',
    );
  });

  it('never flags two hidden sockets that may be one process (same or unknown uid)', () => {
    for (const uid of [118, null]) {
      const conflicts = detectConflicts(
        [
          sock({ localAddress: '127.0.0.1', localPort: 5433, pids: [], owner: 'hidden', uid }),
          sock({ localAddress: '::1', localPort: 5433, pids: [], owner: 'hidden', uid }),
          sock({ localAddress: '0.0.0.0', localPort: 5433, pids: [], owner: 'hidden', uid }),
        ],
        procs,
      );
      expect(conflicts).toEqual([]);
    }
  });

  it('does flag hidden owners of different uids', () => {
    const conflicts = detectConflicts(
      [sock({ localAddress: '0.0.0.0', localPort: 5433, owner: 'hidden', uid: 0 }), sock({ localAddress: '127.0.0.1', localPort: 5433, owner: 'hidden', uid: 118 })],
      procs,
    );
    expect(conflicts.map((c) => [c.kind, c.pids])).toEqual([['address-overlap', []]]);
    expect(conflicts[0]!.reason).toContain('a hidden process (uid 118)');
  });

  it('ignores client connections, TIME_WAIT and other non-listening sockets on the same port', () => {
    const conflicts = detectConflicts(
      [
        sock({ localAddress: '0.0.0.0', localPort: 3000, pids: [123] }),
        sock({ localAddress: '127.0.0.1', localPort: 3000, remoteAddress: '127.0.0.1', remotePort: 51000, state: 'ESTABLISHED', pids: [456] }),
        sock({ localAddress: '127.0.0.1', localPort: 3000, remoteAddress: '127.0.0.1', remotePort: 51001, state: 'TIME_WAIT', pids: [], owner: 'none' }),
        sock({ localAddress: '127.0.0.1', localPort: 3000, state: 'SYN_SENT', remoteAddress: '10.0.0.1', remotePort: 80, pids: [456] }),
        sock({ protocol: 'udp', localAddress: '127.0.0.1', localPort: 3000, remoteAddress: '127.0.0.1', remotePort: 9, state: 'ESTABLISHED', pids: [456] }),
      ],
      procs,
    );
    expect(conflicts).toEqual([]);
  });

  it('keeps TCP and UDP apart', () => {
    expect(
      detectConflicts([sock({ localAddress: '0.0.0.0', localPort: 3000, pids: [123] }), sock({ protocol: 'udp', localAddress: '127.0.0.1', localPort: 3000, pids: [456] })], procs),
    ).toEqual([]);
  });

  it('flags UDP overlaps, saying so', () => {
    const conflicts = detectConflicts(
      [sock({ protocol: 'udp', localAddress: '0.0.0.0', localPort: 4444, pids: [123] }), sock({ protocol: 'udp', localAddress: '127.0.0.1', localPort: 4444, pids: [456] })],
      procs,
    );
    expect(conflicts.map((c) => [c.kind, c.protocol])).toEqual([['address-overlap', 'udp']]);
    expect(conflicts[0]!.reason).toContain('(UDP)');
    expect(conflicts[0]!.reason).toContain('datagrams to 127.0.0.1 reach python3');
  });

  it('leaves multicast discovery ports alone: everyone gets a copy', () => {
    const many = [10, 11, 12].map((pid) => sock({ protocol: 'udp', localAddress: '0.0.0.0', localPort: 5353, pids: [pid], inode: pid }));
    const group = sock({ protocol: 'udp', localAddress: '224.0.0.251', localPort: 6000, pids: [11] });
    const conflicts = detectConflicts([...many, group, sock({ protocol: 'udp', localAddress: '0.0.0.0', localPort: 6000, pids: [12] })], processes(proc(10, 'avahi-daemon'), proc(11, 'chrome'), proc(12, 'spotify')));
    expect(conflicts).toEqual([]);
  });
});

describe('dual-stack-split', () => {
  it('flags IPv4 and IPv6 loopback held by different programs', () => {
    const v4 = sock({ localAddress: '127.0.0.1', localPort: 5173, pids: [11] });
    const v6 = sock({ localAddress: '::1', localPort: 5173, pids: [22] });
    const conflicts = detectConflicts([v4, v6], processes(proc(11, 'node'), proc(22, 'vite')));
    expect(conflicts).toEqual([
      {
        id: 'dual-stack-split:tcp:5173:11+22',
        kind: 'dual-stack-split',
        protocol: 'tcp',
        port: 5173,
        pids: [11, 22],
        socketKeys: [v4.key, v6.key].sort(),
        reason: 'localhost:5173 reaches node (pid 11) over IPv4 (127.0.0.1:5173) but vite (pid 22) over IPv6 ([::1]:5173), depending on how localhost resolves.',
        severity: 'warning',
      },
    ]);
  });

  it('flags an IPv4 wildcard against a v6-only IPv6 wildcard', () => {
    const conflicts = detectConflicts(
      [sock({ localAddress: '0.0.0.0', localPort: 8080, pids: [11] }), sock({ localAddress: '::', localPort: 8080, pids: [22], v6Only: true })],
      processes(proc(11, 'java'), proc(22, 'caddy')),
    );
    expect(conflicts.map((c) => c.kind)).toEqual(['dual-stack-split']);
    expect(conflicts[0]!.reason).toBe(
      'localhost:8080 reaches java (pid 11) over IPv4 (0.0.0.0:8080) but caddy (pid 22) over IPv6 ([::]:8080), depending on how localhost resolves.',
    );
  });

  it('counts the IPv4-mapped loopback as IPv4 loopback', () => {
    const conflicts = detectConflicts(
      [sock({ localAddress: '::ffff:127.0.0.1', localPort: 8081, pids: [11] }), sock({ localAddress: '::1', localPort: 8081, pids: [22] })],
      processes(proc(11, 'node'), proc(22, 'deno')),
    );
    expect(conflicts.map((c) => c.kind)).toEqual(['dual-stack-split']);
  });

  it('says nothing when one program holds both loopbacks', () => {
    expect(
      detectConflicts(
        [sock({ localAddress: '127.0.0.1', localPort: 5432, pids: [11] }), sock({ localAddress: '::1', localPort: 5432, pids: [11] })],
        processes(proc(11, 'postgres')),
      ),
    ).toEqual([]);
  });

  it('does not call 127.0.0.2 localhost', () => {
    expect(
      detectConflicts(
        [sock({ localAddress: '127.0.0.2', localPort: 3000, pids: [11] }), sock({ localAddress: '::1', localPort: 3000, pids: [22] })],
        processes(proc(11, 'node'), proc(22, 'vite')),
      ),
    ).toEqual([]);
  });
});

describe('shared-socket', () => {
  const nginx = processes(proc(10, 'nginx'), proc(11, 'nginx', { ppid: 10 }), proc(12, 'nginx', { ppid: 10 }));

  it('reports one socket held by a master and its workers as info', () => {
    const s = sock({ localAddress: '0.0.0.0', localPort: 8080, pids: [10, 11, 12] });
    expect(detectConflicts([s], nginx)).toEqual([
      {
        id: 'shared-socket:tcp:8080:10,11,12',
        kind: 'shared-socket',
        protocol: 'tcp',
        port: 8080,
        pids: [10, 11, 12],
        socketKeys: [s.key],
        reason: '3 processes share 0.0.0.0:8080: nginx (pids 10, 11, 12), a master and its workers, usually intended.',
        severity: 'info',
      },
    ]);
  });

  it('groups IPv4 and IPv6 sockets of the same workers into one report, without an overlap', () => {
    const conflicts = detectConflicts(
      [sock({ localAddress: '0.0.0.0', localPort: 80, pids: [10, 11, 12] }), sock({ localAddress: '::', localPort: 80, pids: [10, 11, 12], v6Only: true })],
      nginx,
    );
    expect(conflicts.map((c) => c.kind)).toEqual(['shared-socket']);
    expect(conflicts[0]!.reason).toContain('0.0.0.0:80 and [::]:80');
  });

  it('reports SO_REUSEPORT workers with their own sockets on one address as info, not overlap', () => {
    // Node cluster with reusePort: the primary (pid 20) holds no socket, so only the siblings show.
    const workers = processes(proc(21, 'node', { ppid: 20 }), proc(22, 'node', { ppid: 20 }), proc(23, 'node', { ppid: 20 }));
    const sockets = [21, 22, 23].map((pid) => sock({ localAddress: '0.0.0.0', localPort: 3000, pids: [pid], inode: 1000 + pid }));
    const conflicts = detectConflicts(sockets, workers);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ kind: 'shared-socket', severity: 'info', pids: [21, 22, 23], id: 'shared-socket:tcp:3000:21+22+23' });
    expect(conflicts[0]!.reason).toBe('3 processes each listen on 0.0.0.0:3000 with SO_REUSEPORT: node (pids 21, 22, 23), a worker group, usually intended.');
  });

  it.each(['zsh', '-bash', 'pwsh.exe', 'cmd.exe'])('warns about SO_REUSEPORT copies a shell (%s) started: a server run twice, not workers', (shell) => {
    const twice = processes(proc(21, 'node', { ppid: 20, parentName: shell }), proc(22, 'node', { ppid: 20, parentName: shell }));
    const sockets = [21, 22].map((pid) => sock({ localAddress: '0.0.0.0', localPort: 3000, pids: [pid], inode: 1000 + pid }));
    const conflicts = detectConflicts(sockets, twice);
    expect(conflicts.map((c) => [c.kind, c.severity, c.pids])).toEqual([['address-overlap', 'warning', [21, 22]]]);
    expect(conflicts[0]!.reason).toBe('node (pid 21) and node (pid 22) both listen on 0.0.0.0:3000: new connections to 0.0.0.0 go to either one, unpredictably.');
  });

  it('still calls SO_REUSEPORT copies forked by a program of their own a worker group', () => {
    const workers = processes(proc(21, 'node', { ppid: 20, parentName: 'node' }), proc(22, 'node', { ppid: 20, parentName: 'pm2' }));
    const sockets = [21, 22].map((pid) => sock({ localAddress: '0.0.0.0', localPort: 3000, pids: [pid], inode: 1000 + pid }));
    expect(detectConflicts(sockets, workers).map((c) => [c.kind, c.severity])).toEqual([['shared-socket', 'info']]);
  });

  it('reports master-held SO_REUSEPORT sockets (nginx reuseport) as one group', () => {
    const sockets = [11, 12].map((w) => sock({ localAddress: '0.0.0.0', localPort: 443, pids: [10, w], inode: w }));
    const conflicts = detectConflicts(sockets, nginx);
    expect(conflicts.map((c) => [c.kind, c.pids])).toEqual([['shared-socket', [10, 11, 12]]]);
    expect(conflicts[0]!.reason).toContain('with SO_REUSEPORT');
    expect(conflicts[0]!.reason).toContain('a master and its workers');
  });

  it('says "inherited" when no parent is in sight', () => {
    const conflicts = detectConflicts([sock({ localAddress: '127.0.0.1', localPort: 7000, pids: [31, 32] })], processes(proc(31, 'gunicorn'), proc(32, 'python3')));
    expect(conflicts[0]!.reason).toBe('2 processes share 127.0.0.1:7000: gunicorn (pid 31), python3 (pid 32), one socket inherited by several processes, usually intended.');
  });

  it('merges a socket listed twice under one key', () => {
    const a = sock({ localAddress: '0.0.0.0', localPort: 8080, pids: [10], inode: 5 });
    const conflicts = detectConflicts([a, { ...a, pids: [11] }], nginx);
    expect(conflicts.map((c) => [c.kind, c.pids])).toEqual([['shared-socket', [10, 11]]]);
  });
});

describe('unexpected-owner', () => {
  it('warns when a well-known port is held by a stranger', () => {
    const s = sock({ localAddress: '127.0.0.1', localPort: 5432, pids: [99] });
    expect(detectConflicts([s], processes(proc(99, 'node')))).toEqual([
      {
        id: 'unexpected-owner:tcp:5432:99',
        kind: 'unexpected-owner',
        protocol: 'tcp',
        port: 5432,
        pids: [99],
        socketKeys: [s.key],
        reason: "Port 5432 is PostgreSQL's, but it is held by node (pid 99), not postgres.",
        severity: 'warning',
      },
    ]);
  });

  it('accepts the expected program under its common names', () => {
    const owners = [
      proc(1001, 'postgres'),
      proc(1002, 'postmaster.exe', { exe: 'C:\\Program Files\\PostgreSQL\\16\\bin\\postmaster.exe' }),
      proc(1003, 'whatever', { exe: '/usr/lib/postgresql/16/bin/postgres' }),
      proc(1004, 'postgres: checkpointer', { exe: null, argv: null, command: 'postgres: checkpointer' }),
    ];
    for (const p of owners) {
      expect(detectConflicts([sock({ localAddress: '0.0.0.0', localPort: 5432, pids: [p.pid] })], processes(p))).toEqual([]);
    }
    const others: [number, ProcessInfo][] = [
      [3306, proc(1, 'mariadbd', { ppid: 0 })],
      [6379, proc(2, 'redis-server')],
      [27017, proc(3, 'mongod')],
      [22, proc(4, 'sshd')],
      [22, proc(5, 'systemd', { ppid: 0 })],
      [443, proc(6, 'caddy')],
      [9200, proc(7, 'java', { command: 'java org.elasticsearch.bootstrap.Elasticsearch' })],
      [11211, proc(8, 'memcached')],
    ];
    for (const [port, p] of others) {
      expect(detectConflicts([sock({ localAddress: '0.0.0.0', localPort: port, pids: [p.pid] })], processes(p))).toEqual([]);
    }
  });

  it('checks DNS on UDP too', () => {
    const conflicts = detectConflicts([sock({ protocol: 'udp', localAddress: '127.0.0.53', localPort: 53, pids: [5] })], processes(proc(5, 'node')));
    expect(conflicts.map((c) => [c.kind, c.protocol, c.reason])).toEqual([
      ['unexpected-owner', 'udp', "Port 53/udp is DNS's, but it is held by node (pid 5), not systemd-resolved."],
    ]);
    expect(detectConflicts([sock({ protocol: 'udp', localAddress: '127.0.0.53', localPort: 53, pids: [5] })], processes(proc(5, 'systemd-resolved')))).toEqual([]);
  });

  it('reports a container publishing the port as info, with its own sentence', () => {
    const conflicts = detectConflicts([sock({ localAddress: '0.0.0.0', localPort: 5432, pids: [7] })], processes(proc(7, 'docker-proxy')));
    expect(conflicts).toMatchObject([{ kind: 'unexpected-owner', severity: 'info', pids: [7] }]);
    expect(conflicts[0]!.reason).toBe('Port 5432 (PostgreSQL) is published by docker-proxy (pid 7) from Docker: the service inside answers there, not a local postgres.');
    for (const name of ['com.docker.backend', 'rootlessport', 'podman', 'wslrelay', 'vpnkit']) {
      const c = detectConflicts([sock({ localAddress: '0.0.0.0', localPort: 6379, pids: [8] })], processes(proc(8, name)));
      expect(c.map((x) => [x.kind, x.severity])).toEqual([['unexpected-owner', 'info']]);
    }
  });

  it('reports a tunnel as info', () => {
    const conflicts = detectConflicts([sock({ localAddress: '127.0.0.1', localPort: 3306, pids: [9] })], processes(proc(9, 'ssh', { command: 'ssh -N -L 3306:db:3306 bastion' })));
    expect(conflicts).toMatchObject([{ kind: 'unexpected-owner', severity: 'info' }]);
    expect(conflicts[0]!.reason).toContain('forwarded by ssh (pid 9) through an SSH tunnel');
  });

  it('stays quiet when the owner is hidden, kernel-only or not described', () => {
    expect(detectConflicts([sock({ localAddress: '0.0.0.0', localPort: 5432, owner: 'hidden', uid: 118 })], new Map())).toEqual([]);
    expect(detectConflicts([sock({ protocol: 'udp', localAddress: '0.0.0.0', localPort: 53, owner: 'none' })], new Map())).toEqual([]);
    expect(detectConflicts([sock({ localAddress: '0.0.0.0', localPort: 5432, pids: [404] })], new Map())).toEqual([]);
  });

  it('does not judge outgoing connections to a well-known port', () => {
    expect(
      detectConflicts(
        [sock({ localAddress: '127.0.0.1', localPort: 5432, remoteAddress: '127.0.0.1', remotePort: 40000, state: 'ESTABLISHED', pids: [99] })],
        processes(proc(99, 'node')),
      ),
    ).toEqual([]);
  });
});

describe('watched-taken', () => {
  it('reports each watched port that has a listener, and only those', () => {
    const conflicts = detectConflicts(
      [
        sock({ localAddress: '127.0.0.1', localPort: 3000, pids: [1] }),
        sock({ localAddress: '127.0.0.1', localPort: 4000, remoteAddress: '127.0.0.1', remotePort: 3000, state: 'ESTABLISHED', pids: [1] }),
      ],
      processes(proc(1, 'node', { ppid: 0 })),
      { watchedPorts: [3000, 4000, 5000] },
    );
    expect(conflicts).toEqual([
      expect.objectContaining({ id: 'watched-taken:tcp:3000:1', kind: 'watched-taken', severity: 'info', pids: [1], reason: 'Watched port 3000 is taken by node (pid 1).' }),
    ]);
  });

  it('names every holder, hidden ones included', () => {
    const conflicts = detectConflicts(
      [sock({ localAddress: '0.0.0.0', localPort: 3000, pids: [1] }), sock({ localAddress: '::', localPort: 3000, owner: 'hidden', uid: 0, v6Only: true })],
      processes(proc(1, 'node', { ppid: 0 })),
      { watchedPorts: [3000] },
    );
    expect(only(conflicts, 'watched-taken').map((c) => c.reason)).toEqual(['Watched port 3000 is taken by node (pid 1) and a hidden process (uid 0).']);
  });
});

describe('identity and order', () => {
  const procs = processes(proc(123, 'node'), proc(456, 'python3'), proc(99, 'node'), proc(10, 'nginx'), proc(11, 'nginx', { ppid: 10 }));
  const snapshot = (inodeBase: number) => [
    sock({ localAddress: '0.0.0.0', localPort: 3000, pids: [123], inode: inodeBase + 1 }),
    sock({ localAddress: '127.0.0.1', localPort: 3000, pids: [456], inode: inodeBase + 2 }),
    sock({ localAddress: '127.0.0.1', localPort: 5432, pids: [99], inode: inodeBase + 3 }),
    sock({ localAddress: '0.0.0.0', localPort: 80, pids: [10, 11], inode: inodeBase + 4 }),
    sock({ localAddress: '127.0.0.1', localPort: 9000, pids: [123], inode: inodeBase + 5 }),
    sock({ localAddress: '::1', localPort: 9000, pids: [456], inode: inodeBase + 6 }),
  ];

  it('sorts by port, protocol, then kind, whatever the input order', () => {
    const sockets = snapshot(0);
    const forward = detectConflicts(sockets, procs, { watchedPorts: [3000] });
    const backward = detectConflicts([...sockets].reverse(), procs, { watchedPorts: [3000] });
    expect(backward).toEqual(forward);
    expect(forward.map((c) => `${c.port} ${c.kind}`)).toEqual(['80 shared-socket', '3000 address-overlap', '3000 watched-taken', '5432 unexpected-owner', '9000 dual-stack-split']);
  });

  it('keeps ids across polls even when the sockets are new (new inodes, same situation)', () => {
    const first = detectConflicts(snapshot(0), procs, { watchedPorts: [3000] }).map((c) => c.id);
    const second = detectConflicts(snapshot(500), procs, { watchedPorts: [3000] }).map((c) => c.id);
    expect(second).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
  });

  it('changes the id when a different process takes over', () => {
    const before = detectConflicts(snapshot(0), procs).find((c) => c.kind === 'unexpected-owner')!;
    const after = detectConflicts([sock({ localAddress: '127.0.0.1', localPort: 5432, pids: [123] })], procs).find((c) => c.kind === 'unexpected-owner')!;
    expect(after.id).not.toBe(before.id);
  });
});

describe('robustness', () => {
  it('survives addresses no parser would accept', () => {
    const conflicts = detectConflicts(
      [
        sock({ localAddress: 'not-an-ip', localPort: 3000, pids: [1] }),
        sock({ localAddress: '0.0.0.0', localPort: 3000, pids: [2] }),
        sock({ localAddress: 'fe80::zz%', localPort: 3000, pids: [3] }),
        sock({ localAddress: '', localPort: 3000, pids: [4] }),
        sock({ localAddress: '*', localPort: 3000, pids: [5], family: 6, v6Only: false }),
      ],
      new Map(),
    );
    expect(Array.isArray(conflicts)).toBe(true);
  });

  it('handles 21,000 sockets', () => {
    const sockets: Socket[] = [];
    const procs = new Map<number, ProcessInfo>();
    for (let pid = 1000; pid < 1300; pid++) procs.set(pid, proc(pid, pid % 2 ? 'node' : 'python3'));
    for (let i = 0; i < 1000; i++) {
      const pid = 1000 + (i % 300);
      sockets.push(sock({ localAddress: i % 3 ? '127.0.0.1' : '0.0.0.0', localPort: 3000 + (i % 700), pids: [pid], inode: i + 1 }));
    }
    for (let i = 0; i < 5000; i++) sockets.push(sock({ protocol: 'udp', localAddress: '0.0.0.0', localPort: 20000 + i, pids: [1000 + (i % 300)], inode: 10000 + i }));
    for (let i = 0; i < 15000; i++) {
      sockets.push(
        sock({
          localAddress: '127.0.0.1',
          localPort: 32768 + (i % 28000),
          remoteAddress: '127.0.0.1',
          remotePort: 3000 + (i % 700),
          state: (i % 4 === 0 ? 'TIME_WAIT' : 'ESTABLISHED') as SocketState,
          pids: [1000 + (i % 300)],
          inode: 100000 + i,
        }),
      );
    }
    // Speed is measured by `npm run bench`; here only that a large table gives complete answers.
    const conflicts: Conflict[] = detectConflicts(sockets, procs, { watchedPorts: [3000, 3001] });
    expect(conflicts.length).toBeGreaterThan(100);
  });
});

describe('properties', () => {
  const address = fc.oneof(
    fc.constantFrom('0.0.0.0', '127.0.0.1', '127.0.0.2', '::', '::1', '::ffff:127.0.0.1', '::ffff:0.0.0.0', '192.168.1.5', 'fe80::1%eth0', 'fe80::1%eth1', '*', '224.0.0.251'),
    fc.ipV4(),
    fc.ipV6(),
    fc.string({ maxLength: 12 }),
  );
  const state = fc.constantFrom<SocketState>('LISTEN', 'UNCONN', 'ESTABLISHED', 'TIME_WAIT', 'SYN_SENT', 'CLOSE_WAIT', 'BOUND', 'UNKNOWN');
  const socketArb = (pids: fc.Arbitrary<number[]>) =>
    fc
      .record({
        protocol: fc.constantFrom('tcp' as const, 'udp' as const),
        localAddress: address,
        localPort: fc.oneof(fc.constantFrom(0, 22, 53, 80, 3000, 5353, 5432), fc.integer({ min: -5, max: 70000 })),
        remote: fc.option(fc.tuple(address, fc.integer({ min: 0, max: 65535 })), { nil: null }),
        state,
        inode: fc.option(fc.integer({ min: 0, max: 50 }), { nil: null }),
        uid: fc.option(fc.integer({ min: -1, max: 3 }), { nil: null }),
        v6Only: fc.constantFrom(true, false, null),
        pids,
        owner: fc.constantFrom('known' as const, 'hidden' as const, 'none' as const),
      })
      .map(({ remote, ...s }) => sock({ ...s, family: s.localAddress.includes(':') ? 6 : 4, remoteAddress: remote?.[0] ?? null, remotePort: remote?.[1] ?? null }));
  const names = ['node', 'python3', 'postgres', 'docker-proxy', 'nginx', 'sshd'];
  const processesArb = fc
    .array(fc.tuple(fc.integer({ min: 1, max: 12 }), fc.constantFrom(...names), fc.option(fc.integer({ min: 0, max: 12 }), { nil: null })), { maxLength: 12 })
    .map((list) => new Map(list.map(([pid, name, ppid]) => [pid, proc(pid, name, { ppid })])));

  it('never throws, and returns well-formed, sorted, unique conflicts', () => {
    fc.assert(
      fc.property(fc.array(socketArb(fc.array(fc.integer({ min: -1, max: 12 }), { maxLength: 4 })), { maxLength: 40 }), processesArb, fc.array(fc.integer({ min: 0, max: 6000 }), { maxLength: 4 }), (sockets, procs, watchedPorts) => {
        const conflicts = detectConflicts(sockets, procs, { watchedPorts });
        const ids = conflicts.map((c) => c.id);
        expect(new Set(ids).size).toBe(ids.length);
        for (const c of conflicts) {
          expect(c.reason.length).toBeGreaterThan(10);
          expect(c.reason.endsWith('.')).toBe(true);
          expect(c.socketKeys.length).toBeGreaterThan(0);
          expect(c.pids).toEqual([...c.pids].sort((a, b) => a - b));
        }
        const again = detectConflicts([...sockets].reverse(), procs, { watchedPorts });
        expect(again.map((c) => c.id)).toEqual(ids);
      }),
      { numRuns: 300 },
    );
  });

  it('only reports shared-socket, unexpected-owner or watched-taken for a port one process holds', () => {
    const onePidPerPort = fc.array(socketArb(fc.constant([])), { maxLength: 40 }).map((sockets) =>
      // Each port is held by one process: the pid is a function of protocol and port.
      sockets.map((s) => {
        const pid = (s.localPort % 11) + 1 + (s.protocol === 'udp' ? 100 : 0);
        const base = { ...s, owner: 'known' as const, pids: [pid] };
        return { ...base, key: socketKey(base) };
      }),
    );
    fc.assert(
      fc.property(onePidPerPort, processesArb, (sockets, procs) => {
        for (const c of detectConflicts(sockets, procs, { watchedPorts: [3000, 22] })) {
          expect(['shared-socket', 'unexpected-owner', 'watched-taken']).toContain(c.kind);
        }
      }),
      { numRuns: 300 },
    );
  });
});
