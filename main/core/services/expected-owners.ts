// Who may hold a well-known port. Kept short on purpose: only ports where a stranger usually means
// trouble ("my Postgres won't start: 5432 is taken"), not every IANA assignment.
import type { ProcessInfo, Protocol } from '../model.js';
import { matchesProgram, type ProgramMatcher } from './program.js';

export interface PortExpectation {
  /** The service the port is known for, as used in sentences: "PostgreSQL". */
  service: string;
  /** Program names one would expect there, for display. */
  programs: readonly string[];
  owners: readonly ProgramMatcher[];
}

interface Entry extends PortExpectation {
  ports: readonly number[];
  protocols: readonly Protocol[];
}

const JAVA = /^(java|javaw)$/;
const TCP: readonly Protocol[] = ['tcp'];
const BOTH: readonly Protocol[] = ['tcp', 'udp'];

function names(...programs: string[]): ProgramMatcher {
  return { program: new RegExp(`^(?:${programs.map((p) => p.replace(/[.+]/g, '\\$&')).join('|')})$`) };
}

const ENTRIES: readonly Entry[] = [
  { ports: [22], protocols: TCP, service: 'SSH', programs: ['sshd'], owners: [names('sshd', 'sshd-session', 'dropbear', 'tailscaled')] },
  {
    ports: [25], protocols: TCP, service: 'SMTP', programs: ['postfix', 'exim', 'sendmail'],
    owners: [names('master', 'exim', 'exim4', 'sendmail', 'smtpd', 'opensmtpd')],
  },
  {
    ports: [53], protocols: BOTH, service: 'DNS', programs: ['systemd-resolved', 'dnsmasq', 'named', 'unbound'],
    owners: [
      // "systemd-resolve" is the kernel's 15-character cut of the name, kept by some tools.
      names('systemd-resolved', 'systemd-resolve', 'dnsmasq', 'named', 'unbound', 'coredns', 'pdns_server',
        'pdns_recursor', 'knotd', 'kresd', 'pihole-ftl', 'adguardhome', 'dnscrypt-proxy', 'stubby', 'blocky',
        'dns', 'svchost', 'mdnsresponder', 'lxd', 'incusd', 'tailscaled'),
    ],
  },
  {
    ports: [80, 443], protocols: TCP, service: 'HTTP', programs: ['nginx', 'apache2', 'httpd', 'caddy'],
    owners: [
      names('nginx', 'openresty', 'httpd', 'apache', 'apache2', 'caddy', 'traefik', 'haproxy', 'envoy',
        'lighttpd', 'varnishd', 'h2o', 'w3wp', 'kong', 'pingora', 'tailscaled'),
      // Windows serves HTTP.sys (IIS, WinRM, WCF) from the kernel, reported as "System" (pid 4).
      names('system'),
    ],
  },
  {
    ports: [5432], protocols: TCP, service: 'PostgreSQL', programs: ['postgres'],
    owners: [names('postgres', 'postmaster', 'pgbouncer', 'pgcat', 'pgpool', 'supavisor', 'odyssey'), { command: /^postgres:/ }],
  },
  {
    ports: [3306], protocols: TCP, service: 'MySQL', programs: ['mysqld', 'mariadbd'],
    owners: [names('mysqld', 'mariadbd', 'mysqld-nt', 'mysqlrouter', 'proxysql', 'dolt', 'tidb-server')],
  },
  {
    ports: [6379], protocols: TCP, service: 'Redis', programs: ['redis-server'],
    owners: [names('redis-server', 'redis-stack-server', 'valkey-server', 'keydb-server', 'dragonfly', 'memurai', 'garnetserver')],
  },
  { ports: [27017], protocols: TCP, service: 'MongoDB', programs: ['mongod'], owners: [names('mongod', 'mongos', 'ferretdb')] },
  {
    ports: [9200], protocols: TCP, service: 'Elasticsearch', programs: ['elasticsearch'],
    owners: [{ program: JAVA, command: /org\.(elasticsearch|opensearch)\./ }, names('elasticsearch', 'opensearch')],
  },
  { ports: [11211], protocols: BOTH, service: 'memcached', programs: ['memcached'], owners: [names('memcached')] },
  {
    ports: [5672], protocols: TCP, service: 'RabbitMQ', programs: ['rabbitmq-server'],
    owners: [{ program: /^(beam(\.smp)?|erl)$/, command: /rabbit/ }, names('rabbitmq-server', 'qpidd', 'artemis')],
  },
  {
    ports: [9092], protocols: TCP, service: 'Kafka', programs: ['kafka'],
    owners: [{ program: JAVA, command: /kafka/ }, names('redpanda', 'kafka')],
  },
  { ports: [2181], protocols: TCP, service: 'ZooKeeper', programs: ['zookeeper'], owners: [{ program: JAVA, command: /zookeeper/ }] },
  { ports: [1433], protocols: TCP, service: 'SQL Server', programs: ['sqlservr'], owners: [names('sqlservr')] },
  { ports: [1521], protocols: TCP, service: 'Oracle Database', programs: ['tnslsnr'], owners: [names('tnslsnr')] },
];

/** Socket activators hold ports for the service they will start; they are never strangers. */
const ACTIVATORS: ProgramMatcher = names('systemd', 'launchd', 'inetd', 'xinetd', 'init');

let index: Map<string, Entry> | undefined;

export function expectedPrograms(port: number, protocol: Protocol): PortExpectation | null {
  if (!index) {
    index = new Map();
    for (const e of ENTRIES) for (const p of e.ports) for (const proto of e.protocols) index.set(`${p}/${proto}`, e);
  }
  return index.get(`${port}/${protocol}`) ?? null;
}

/** Whether a process is one the expectation allows, or a socket activator standing in for it. */
export function isExpectedOwner(expectation: PortExpectation, proc: ProcessInfo): boolean {
  return matchesProgram(proc, ACTIVATORS) || expectation.owners.some((m) => matchesProgram(proc, m));
}
