import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEnviron, readCgroup, readEnvironKeys } from '../../main/core/procfs.js';
import { launchdPlace, launchdServiceJobs, parseLaunchctlList } from '../../main/core/supervision-launchd.js';
import { cgroupPlace, findSupervision, supervisionText, type ProcessFacts, type Supervision, type SupervisionInput } from '../../main/core/supervision.js';
import { cleanup, spawnScript } from './spawned.js';

afterEach(cleanup);

const ID = 'f3a9c1d2e4b5a6978877665544332211f3a9c1d2e4b5a6978877665544332211';

function proc(pid: number, command: string, extra: Partial<ProcessFacts> = {}): ProcessFacts {
  const argv = command.split(' ');
  const exe = argv[0]!.startsWith('/') ? argv[0]! : null;
  return { pid, name: argv[0]!.split('/').pop()!, exe, command, argv, cwd: null, ...extra };
}

function input(self: ProcessFacts, ancestors: ProcessFacts[], extra: Partial<SupervisionInput> = {}): SupervisionInput {
  return { process: self, ancestors, cgroup: null, env: new Map(), elevated: false, serviceJobs: [], ...extra };
}

const server = proc(900, '/usr/bin/node server.js');

/** The sentence as the CLI prints it: the text, then the command it introduces. */
const supervisionNote = (s: Supervision, processes: { pid: number; name: string }[]) => `${supervisionText(s, processes)} ${s.stop}`;

describe('cgroupPlace', () => {
  it('finds the systemd service in cgroup v2 and in v1', () => {
    expect(cgroupPlace('0::/system.slice/nginx.service\n')).toEqual({ kind: 'system-service', unit: 'nginx.service' });
    expect(cgroupPlace('12:pids:/system.slice/nginx.service\n1:name=systemd:/system.slice/nginx.service\n0::/system.slice/nginx.service\n')).toEqual({
      kind: 'system-service',
      unit: 'nginx.service',
    });
    expect(cgroupPlace('0::/system.slice/system-getty.slice/getty@tty1.service\n')).toEqual({ kind: 'system-service', unit: 'getty@tty1.service' });
    // Delegate=yes: the service manages cgroups of its own below it.
    expect(cgroupPlace('0::/system.slice/buildkitd.service/payload\n')).toEqual({ kind: 'system-service', unit: 'buildkitd.service' });
  });

  it('tells a user service from the user manager and from sessions and apps', () => {
    expect(cgroupPlace('0::/user.slice/user-1000.slice/user@1000.service/app.slice/api.service\n')).toEqual({ kind: 'user-service', unit: 'api.service' });
    expect(cgroupPlace('0::/user.slice/user-1000.slice/user@1000.service/init.scope\n')).toBeNull();
    expect(cgroupPlace('0::/user.slice/user-1000.slice/session-3.scope\n')).toBeNull();
    expect(cgroupPlace('0::/user.slice/user-1000.slice/user@1000.service/app.slice/app-org.gnome.Terminal.slice/vte-spawn-5b1e.scope\n')).toBeNull();
    expect(cgroupPlace('0::/init.scope\n')).toBeNull();
  });

  it('finds Docker and Podman containers under either cgroup driver, and leaves Kubernetes alone', () => {
    expect(cgroupPlace(`0::/system.slice/docker-${ID}.scope\n`)).toEqual({ kind: 'container', engine: 'Docker', id: ID.slice(0, 12) });
    expect(cgroupPlace(`12:memory:/docker/${ID}\n1:name=systemd:/docker/${ID}\n`)).toEqual({ kind: 'container', engine: 'Docker', id: ID.slice(0, 12) });
    expect(cgroupPlace(`0::/machine.slice/libpod-${ID}.scope/container\n`)).toEqual({ kind: 'container', engine: 'Podman', id: ID.slice(0, 12) });
    expect(cgroupPlace(`0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice/cri-containerd-${ID}.scope\n`)).toBeNull();
  });

  it.runIf(process.platform === 'linux')("reads this machine's own cgroup without inventing a place for it", () => {
    const own = readCgroup(process.pid);
    expect(own).toBe(readFileSync('/proc/self/cgroup', 'utf8'));
    // This test process runs under no systemd unit and in no Docker container of its own naming.
    const place = cgroupPlace(own!);
    expect(place === null || place.kind !== 'container' || /^[0-9a-f]{12}$/.test(place.id)).toBe(true);
  });

  it('never throws on garbage', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const place = cgroupPlace(text);
        expect(place === null || typeof place.kind === 'string').toBe(true);
      }),
    );
  });
});

describe('findSupervision', () => {
  it('names the process manager above the server and the command that stops it for good', () => {
    const runsv = proc(800, 'runsv api', { cwd: '/etc/service/api' });
    expect(findSupervision(input(server, [runsv]))).toEqual({ kind: 'process-manager', by: 'runsv (pid 800)', restarts: 'exit', stop: 'sv down /etc/service/api', pid: 800 });

    const pm2 = proc(700, 'PM2 v5.3.0: God Daemon (/home/me/.pm2)', { name: 'node', exe: '/usr/bin/node' });
    expect(findSupervision(input(server, [pm2], { env: new Map([['pm_id', '3']]) }))).toMatchObject({ by: 'pm2 (pid 700)', restarts: 'exit', stop: 'pm2 stop 3' });

    const supervisord = proc(600, '/usr/bin/python3 /usr/bin/supervisord -n -c /etc/supervisor/supervisord.conf', { name: 'python3' });
    const env = new Map([
      ['SUPERVISOR_PROCESS_NAME', 'api_0'],
      ['SUPERVISOR_GROUP_NAME', 'api'],
    ]);
    expect(findSupervision(input(server, [supervisord], { env }))).toMatchObject({ by: 'supervisord (pid 600)', stop: 'supervisorctl stop api:api_0' });
    expect(findSupervision(input(server, [supervisord]))).toMatchObject({ stop: 'supervisorctl stop <program>' });
  });

  it('recognises file watchers through the shells and npm between them and the server', () => {
    const sh = proc(899, '/bin/sh -c node server.js');
    const cases: [string, string][] = [
      ['node /home/me/app/node_modules/.bin/nodemon server.js', 'nodemon'],
      ['/usr/bin/node --watch server.js', 'node --watch'],
      ['node /home/me/app/node_modules/tsx/dist/cli.mjs watch src/index.ts', 'tsx watch'],
      ['node /home/me/app/node_modules/.bin/ts-node-dev --respawn src/index.ts', 'ts-node-dev'],
      ['cargo watch -x run', 'cargo watch'],
      ['/home/me/go/bin/air -c .air.toml', 'air'],
      ['/usr/bin/python3 /home/me/.venv/bin/uvicorn app:main --reload', 'uvicorn --reload'],
    ];
    for (const [command, label] of cases) {
      const watcher = proc(500, command);
      expect(findSupervision(input(server, [sh, watcher])), command).toEqual({ kind: 'watcher', by: `${label} (pid 500)`, restarts: 'change', stop: 'porthole kill pid:500 --tree', pid: 500 });
    }
  });

  it('does not take a project folder or a plain run for a watcher', () => {
    expect(findSupervision(input(server, [proc(500, 'node /home/me/nodemon-demo/index.js')]))).toBeNull();
    expect(findSupervision(input(server, [proc(500, '/usr/bin/node server.js --port 3000')]))).toBeNull();
    expect(findSupervision(input(server, [proc(500, '/usr/bin/python3 -m uvicorn app:main')]))).toBeNull();
  });

  it('takes the nearest supervisor: nodemon under pm2 is nodemon', () => {
    const nodemon = proc(500, 'node /usr/lib/node_modules/nodemon/bin/nodemon.js server.js');
    const pm2 = proc(400, 'PM2 v5.3.0: God Daemon (/root/.pm2)', { name: 'node' });
    expect(findSupervision(input(server, [nodemon, pm2]))?.by).toBe('nodemon (pid 500)');
  });

  it('stops at a login session: what a person started by hand is not the unit above it', () => {
    const bash = proc(880, '-bash', { name: 'bash' });
    const sshd = proc(870, 'sshd: me@pts/0', { name: 'sshd' });
    // Without pam_systemd, a shell over SSH stays in ssh.service's cgroup.
    const cgroup = '0::/system.slice/ssh.service\n';
    expect(findSupervision(input(server, [bash, sshd], { cgroup }))).toBeNull();
    // Nor does a watcher above the session count.
    expect(findSupervision(input(server, [bash, proc(860, 'tmux new -s dev', { name: 'tmux: server' }), proc(500, 'runsv x')]))).toBeNull();
  });

  it('names the systemd unit, with sudo only when not root', () => {
    const cgroup = '0::/system.slice/api.service\n';
    expect(findSupervision(input(server, [], { cgroup }))).toEqual({ kind: 'service-manager', by: 'the systemd unit api.service', restarts: 'policy', stop: 'sudo systemctl stop api.service', pid: null });
    expect(findSupervision(input(server, [], { cgroup, elevated: true }))?.stop).toBe('systemctl stop api.service');
    const user = '0::/user.slice/user-1000.slice/user@1000.service/app.slice/api.service\n';
    expect(findSupervision(input(server, [], { cgroup: user, elevated: true }))?.stop).toBe('systemctl --user stop api.service');
  });

  it('names the container a server runs in', () => {
    expect(findSupervision(input(server, [proc(300, '/usr/bin/containerd-shim-runc-v2 -namespace moby')], { cgroup: `0::/system.slice/docker-${ID}.scope\n` }))).toEqual({
      kind: 'container',
      by: `the Docker container ${ID.slice(0, 12)}`,
      restarts: 'policy',
      stop: `docker stop ${ID.slice(0, 12)}`,
      pid: null,
    });
  });

  it("sees docker-proxy for what it is: the container's published port", () => {
    const proxy = proc(950, '/usr/bin/docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port 8080 -container-ip 172.17.0.2 -container-port 80');
    const found = findSupervision(input(proxy, [proc(200, '/usr/bin/dockerd -H fd://')]));
    expect(found).toEqual({ kind: 'relay', by: 'a Docker container (172.17.0.2:80)', restarts: 'never', stop: 'docker stop $(docker ps -q --filter publish=8080)', pid: null });
    expect(supervisionNote(found!, [{ pid: 950, name: 'docker-proxy' }])).toBe(
      'docker-proxy (pid 950) publishes the port for a Docker container (172.17.0.2:80): stopping it unpublishes the port and leaves the container running. To stop the container: docker stop $(docker ps -q --filter publish=8080)',
    );
  });

  it('finds nothing for a server started from a shell', () => {
    expect(findSupervision(input(server, [proc(880, '/bin/bash'), proc(870, '/usr/bin/gnome-terminal-server')], { cgroup: '0::/user.slice/user-1000.slice/session-2.scope\n' }))).toBeNull();
  });
});

// macOS can't run here: this is `launchctl list` in the shape macOS 13-15 print it (tab-separated;
// "-" for no pid; a negative status is the signal that ended the job), not a capture. The macOS job
// of test:os parses the real command's output.
const LAUNCHCTL_LIST = [
  'PID\tStatus\tLabel',
  '-\t0\tcom.apple.SafariHistoryServiceAgent',
  '1047\t0\tcom.apple.Finder',
  '-\t-9\tcom.apple.mdworker.shared.0B000000-0000-0000-0000-000000000000',
  '612\t0\thomebrew.mxcl.postgresql@16',
  '733\t0\tapplication.com.apple.Terminal.96431236.96431242',
  '-\t78\tcom.example.broken',
  '5120\t0\tcom.example.api',
  '5160\t0\thomebrew.mxcl.mysql',
  '',
].join('\n');

describe('launchd (macOS)', () => {
  const jobs = parseLaunchctlList(LAUNCHCTL_LIST);

  it('parses launchctl list, running and loaded-only jobs alike, and skips the header', () => {
    expect(jobs).toHaveLength(8);
    expect(jobs).toContainEqual({ pid: 612, label: 'homebrew.mxcl.postgresql@16' });
    expect(jobs).toContainEqual({ pid: null, label: 'com.apple.mdworker.shared.0B000000-0000-0000-0000-000000000000' });
    expect(parseLaunchctlList('PID\tStatus\tLabel\n')).toEqual([]);
  });

  it('never throws on garbage or truncation, and keeps only well-formed rows', () => {
    fc.assert(fc.property(fc.string(), (text) => parseLaunchctlList(text).every((j) => j.label.length > 0 && (j.pid === null || Number.isInteger(j.pid)))));
    for (let cut = 0; cut < LAUNCHCTL_LIST.length; cut += 7) expect(() => parseLaunchctlList(LAUNCHCTL_LIST.slice(0, cut))).not.toThrow();
  });

  it("sends a Homebrew service to brew, another job to launchctl, and a desktop app nowhere", () => {
    expect(launchdPlace({ pid: 612, label: 'homebrew.mxcl.postgresql@16' })).toEqual({ by: "Homebrew's postgresql@16 service", stop: 'brew services stop postgresql@16' });
    expect(launchdPlace({ pid: 5120, label: 'com.example.api' })).toEqual({ by: 'the launchd job com.example.api', stop: 'launchctl remove com.example.api' });
    expect(launchdPlace({ pid: 733, label: 'application.com.apple.Terminal.96431236.96431242' })).toBeNull();
  });

  it('finds the job that runs the server, or the ancestor it runs', () => {
    const postgres = proc(612, '/opt/homebrew/opt/postgresql@16/bin/postgres -D /opt/homebrew/var/postgresql@16');
    expect(findSupervision(input(postgres, [], { serviceJobs: launchdServiceJobs(jobs) }))).toEqual({
      kind: 'service-manager',
      by: "Homebrew's postgresql@16 service",
      restarts: 'policy',
      stop: 'brew services stop postgresql@16',
      pid: null,
    });
    // mysqld_safe is the job; mysqld its child.
    const safe = proc(5160, '/bin/sh /opt/homebrew/opt/mysql/bin/mysqld_safe --datadir=/opt/homebrew/var/mysql');
    const mysqld = proc(5188, '/opt/homebrew/opt/mysql/bin/mysqld --basedir=/opt/homebrew/opt/mysql');
    expect(findSupervision(input(mysqld, [safe], { serviceJobs: launchdServiceJobs(jobs) }))).toMatchObject({ by: "Homebrew's mysql service", stop: 'brew services stop mysql' });
    const api = proc(5120, '/usr/local/bin/node /opt/api/server.js');
    expect(findSupervision(input(api, [], { serviceJobs: launchdServiceJobs(jobs) }))).toMatchObject({ by: 'the launchd job com.example.api', stop: 'launchctl remove com.example.api' });
  });

  it('takes a nearer watcher first, and never looks past a login session', () => {
    const nodemon = proc(5300, 'node /Users/me/api/node_modules/.bin/nodemon server.js');
    const job = proc(5120, '/bin/zsh -lc npm run dev');
    expect(findSupervision(input(server, [nodemon, job], { serviceJobs: launchdServiceJobs(jobs) }))).toMatchObject({ kind: 'watcher', by: 'nodemon (pid 5300)' });
    const terminal = proc(733, '/System/Applications/Utilities/Terminal.app/Contents/MacOS/Terminal');
    const login = proc(740, 'login -pfl me /bin/bash -c exec -la zsh /bin/zsh');
    expect(findSupervision(input(server, [proc(741, '-zsh'), login, terminal], { serviceJobs: launchdServiceJobs(jobs) }))).toBeNull();
    // A job that is loaded but not running has no pid to match.
    expect(findSupervision(input(proc(612, 'postgres'), [], { serviceJobs: launchdServiceJobs([{ pid: null, label: 'homebrew.mxcl.postgresql@16' }]) }))).toBeNull();
  });
});

describe('supervisionText', () => {
  it('says who restarts what, when, and what to run instead', () => {
    const runsv = { kind: 'process-manager' as const, by: 'runsv (pid 800)', restarts: 'exit' as const, stop: 'sv down /etc/service/api', pid: 800 };
    expect(supervisionNote(runsv, [{ pid: 900, name: 'node' }])).toBe('runsv (pid 800) starts node (pid 900) again as soon as it exits. To stop it for good: sv down /etc/service/api');
    const unit = { kind: 'service-manager' as const, by: 'the systemd unit nginx.service', restarts: 'policy' as const, stop: 'sudo systemctl stop nginx.service', pid: null };
    expect(
      supervisionNote(unit, [
        { pid: 812, name: 'nginx' },
        { pid: 813, name: 'nginx' },
      ]),
    ).toBe('nginx (pid 812), nginx (pid 813) run in the systemd unit nginx.service, which starts them again if its restart policy says so. To stop the unit: sudo systemctl stop nginx.service');
    const brew = findSupervision(input(proc(612, 'postgres -D /opt/homebrew/var/postgresql@16'), [], { serviceJobs: launchdServiceJobs([{ pid: 612, label: 'homebrew.mxcl.postgresql@16' }]) }))!;
    expect(supervisionNote(brew, [{ pid: 612, name: 'postgres' }])).toBe(
      "postgres (pid 612) runs in Homebrew's postgresql@16 service, which starts it again if its restart policy says so. To stop the service: brew services stop postgresql@16",
    );
    const watcher = { kind: 'watcher' as const, by: 'nodemon (pid 500)', restarts: 'change' as const, stop: 'porthole kill pid:500 --tree', pid: 500 };
    expect(supervisionNote(watcher, [{ pid: 900, name: 'node' }])).toBe('nodemon (pid 500) starts node (pid 900) again when a file changes. To stop both: porthole kill pid:500 --tree');
  });
});

describe('environ', () => {
  it('keeps only the variables asked for', () => {
    const text = 'HOME=/root\0pm_id=3\0SECRET_TOKEN=abc\0name=api\0pm_id=4\0=odd\0noequals\0';
    expect(parseEnviron(text, ['pm_id', 'name'])).toEqual(new Map([['pm_id', '3'], ['name', 'api']]));
  });

  it.runIf(process.platform === 'linux')("reads a real child's environment, and nothing for a process that is gone", async () => {
    const child = await spawnScript('console.log("{}"); setInterval(() => {}, 1000)', { env: { ...process.env, SUPERVISOR_PROCESS_NAME: 'api', pm_id: '7' } });
    expect(readEnvironKeys(child.pid, ['pm_id', 'SUPERVISOR_PROCESS_NAME', 'SUPERVISOR_GROUP_NAME'])).toEqual(
      new Map([
        ['SUPERVISOR_PROCESS_NAME', 'api'],
        ['pm_id', '7'],
      ]),
    );
    child.child.kill('SIGKILL');
    await child.exited;
    expect(readEnvironKeys(child.pid, ['pm_id']).size).toBe(0);
  });
});
