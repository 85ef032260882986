// The real `porthole` command against real sockets held by children this test spawned.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { spawnLab } from '../core/socket-lab.js';
import { leaveBehindWithoutReuse } from '../core/left-behind.js';
import { leaveTimeWait } from '../core/time-wait.js';
import { adopt, cleanup, freePort, isRunning, NODE_NAME, spawnHelper, spawnScript } from '../core/spawned.js';
import { removeServerFolders, spawnWatchedServer } from '../core/watched-server.js';
import { JsonPortAnswer, JsonSnapshot } from './json-contract.js';
import { BIN, runCli, startCli } from './run-cli.js';
import { localDateTime } from '../../main/cli/output/time.js';

const extraChildren: import('node:child_process').ChildProcess[] = [];
const linux = process.platform === 'linux';
const windows = process.platform === 'win32';
const macos = process.platform === 'darwin';
afterEach(async () => {
  for (const c of extraChildren.splice(0)) if (isRunning(c)) c.kill('SIGKILL');
  await cleanup();
});


describe('porthole PORT', () => {
  afterAll(removeServerFolders);

  it('names the holder with pid, full name, command and cwd, and exits 0', async () => {
    const s = await spawnHelper({ host: '127.0.0.1' });
    const r = await runCli([String(s.port), '--json']);
    expect(r.code).toBe(0);
    const answer = JsonPortAnswer.parse(JSON.parse(r.stdout));
    expect(answer.held).toBe(true);
    expect(answer.port).toBe(s.port);
    const listener = answer.sockets.find((x) => x.state === 'LISTEN');
    expect(listener).toMatchObject({ protocol: 'tcp', family: 4, localAddress: '127.0.0.1', localPort: s.port, remoteAddress: null, remotePort: null, pids: [s.pid], ownerHidden: false });
    const owner = answer.processes.find((p) => p.pid === s.pid)!;
    expect(owner.name).toBe(NODE_NAME);
    expect(owner.command).toContain('-e');
    // Windows does not let one process read another's working folder: the engine says null there.
    expect(owner.cwd).toBe(windows ? null : process.cwd());
    expect(owner.ppid).toBe(process.pid);
  });

  it('prints a readable answer without --json', async () => {
    const s = await spawnHelper({ host: '::1' });
    const r = await runCli([`:${s.port}`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`:${s.port} is held by ${NODE_NAME} (pid ${s.pid})`);
    // One column gap between fields: the peer column, empty for a lone listener, takes no room.
    expect(r.stdout).toContain(`tcp6  [::1]:${s.port}  LISTEN  pid ${s.pid}`);
    expect(r.stdout).toContain(`porthole kill ${s.port}`);
    const owner = JsonPortAnswer.parse(JSON.parse((await runCli([String(s.port), '--json'])).stdout)).processes.find((p) => p.pid === s.pid)!;
    expect(r.stdout).toContain(`started ${localDateTime(Date.parse(owner.startTime!))} (`);
  });

  it('says who would start the holder again, and ends with what stops both', async () => {
    const { watcher, server } = await spawnWatchedServer();
    const r = await runCli([String(server.port)]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const stop = `porthole kill pid:${watcher.pid} --tree`;
    if (windows) {
      // By design the text answer does not look for supervisors on Windows (that starts PowerShell, a
      // second or more); `porthole kill` and `why` say it there. So it ends with the plain kill.
      expect(r.stdout).not.toContain('node --watch');
      expect(lines.at(-1)).toBe(`Free it: porthole kill ${server.port}`);
    } else {
      expect(lines.at(-2)).toBe(`node --watch (pid ${watcher.pid}) starts node (pid ${server.pid}) again when a file changes. To stop both: ${stop}`);
      expect(lines.at(-1)).toBe(`Free it: ${stop}`);
    }
    // The JSON shape is the same on every OS, so it leaves this out (`why --json` has it).
    expect(JSON.parse((await runCli([String(server.port), '--json'])).stdout)).not.toHaveProperty('restarts');
  });

  it('loads nothing from node_modules to answer, as text or JSON, nor does why', async () => {
    const s = await spawnHelper({ host: '127.0.0.1' });
    const env = { NODE_OPTIONS: `--require ${path.resolve('test/cli/report-loaded-modules.cjs')}` };
    for (const args of [[String(s.port)], [String(s.port), '--json'], ['why', String(s.port)]]) {
      const r = await runCli(args, { env });
      if (windows) {
        // Windows reads process details through PowerShell as JSON, which zod checks (the bundle
        // keeps zod external for that path, see scripts/build-cli.mjs): zod, and nothing else.
        const loaded = JSON.parse(/^node_modules loaded: (.*)$/m.exec(r.stderr)?.[1] ?? 'null') as string[] | null;
        expect(loaded, `${args.join(' ')}: ${r.stderr}`).not.toBeNull();
        expect(loaded!.filter((file) => !/[\\/]node_modules[\\/]zod[\\/]/.test(file)), args.join(' ')).toEqual([]);
      } else {
        expect(r.stderr, args.join(' ')).toContain('node_modules loaded: []');
      }
    }
  });

  const hostile = '\x1b[31mRED\x1b]0;pwned\x07\rFAKE\nnext';
  const hostileServer = () => spawnScript(`require('net').createServer().listen(0, '127.0.0.1', function () { console.log(JSON.stringify({ port: this.address().port })); })`, { args: [hostile] });

  it('lets none of the escape sequences and line breaks a process puts in its command line reach the terminal', async () => {
    const s = await hostileServer();
    const port = s.info.port as number;
    const r = await runCli([String(port)]);
    expect(r.code).toBe(0);
    // Nothing that could drive a terminal, and the command stays on its own line.
    expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(r.stdout.split('\n').filter((l) => l.trimStart().startsWith('command'))).toHaveLength(1);
    // Colour forced on a pipe: Porthole's own SGR sequences pass, the process's escapes still do not.
    const coloured = await runCli([String(port)], { env: { NO_COLOR: '', FORCE_COLOR: '1' } });
    expect(coloured.stdout).toContain(`\x1b[1m:${port}\x1b[22m is held by`);
    expect(coloured.stdout).not.toMatch(/\x1b\]|\x07|\r/);
  });

  // macOS's ps, where the engine reads command lines there, prints them through strvis(3): ESC as
  // \^[, a line break as \^J (and, in the C locale the engine runs it in, any non-ASCII byte as
  // M-...). The command Porthole gets there is no longer the one the process was given.
  it.skipIf(macos)("writes out the escape sequences and line breaks a process puts in its command line", async () => {
    const s = await hostileServer();
    const port = s.info.port as number;
    const r = await runCli([String(port)]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').find((l) => l.trimStart().startsWith('command'))).toContain('\\u001b[31mRED\\u001b]0;pwned\\u0007\\rFAKE\\nnext');
    const coloured = await runCli([String(port)], { env: { NO_COLOR: '', FORCE_COLOR: '1' } });
    expect(coloured.stdout).toContain('\\u001b[31mRED\\u001b]0;pwned\\u0007\\rFAKE\\nnext');
    // JSON keeps the command line exactly.
    const json = JsonPortAnswer.parse(JSON.parse((await runCli([String(port), '--json'])).stdout));
    expect(json.processes.find((p) => p.pid === s.pid)!.command).toContain(hostile);
  });

  it('exits 1 and says so when the port is free', async () => {
    const port = await freePort();
    const r = await runCli([String(port)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`:${port} is free.`);
    const j = await runCli([String(port), '--json']);
    expect(j.code).toBe(1);
    expect(JsonPortAnswer.parse(JSON.parse(j.stdout))).toMatchObject({ held: false, sockets: [] });
  });

  // macOS: lsof lists the sockets of processes, and a TIME_WAIT connection belongs to none, so the
  // engine never sees one there (collect/darwin.ts); the port is then plainly free.
  it.skipIf(macos)('calls a port with only TIME_WAIT connections free (exit 1), and points to why for whether they block', async () => {
    const port = await leaveTimeWait();
    const r = await runCli([String(port)]);
    expect(r.code).toBe(1);
    expect(r.stdout.trim()).toMatch(
      new RegExp(`^:${port} is free\\. \\((1 closed connection lingers in TIME_WAIT|\\d+ closed connections linger \\(\\d+ TIME_WAIT\\)), held by no process; porthole why ${port} tells whether (it blocks|they block) a new server\\)$`),
    );
  });

  // Linux's TCP rules (SO_REUSEADDR means something else on Windows), and python3 makes the server.
  it.runIf(process.platform === 'linux')('calls a port free of processes when only a stopped server\'s FIN_WAIT2 remains, and why says it blocks binds', async () => {
    const { port } = await leaveBehindWithoutReuse('fin-wait2');
    const r = await runCli([String(port)]);
    expect(r.code).toBe(1);
    expect(r.stdout.trim()).toBe(`:${port} is free. (1 closed connection lingers in FIN_WAIT2, held by no process; porthole why ${port} tells whether it blocks a new server)`);
    const why = await runCli(['why', String(port)]);
    expect(why.code).toBe(1);
    expect(why.stdout).toContain(`1 connection on :${port} outlived the server that made it (1 FIN_WAIT2, kept by the kernel, no process).`);
  });

  /** A client connection in a process of its own; `port` is its local (ephemeral) port. */
  async function clientConnection(): Promise<{ client: Awaited<ReturnType<typeof spawnLab>>; port: number }> {
    const server = await spawnLab();
    const listening = await server.tcpListen('s', '127.0.0.1');
    const client = await spawnLab();
    const { port } = await client.tcpConnect('c', '127.0.0.1', listening.port);
    return { client, port };
  }

  it("offers kill pid:N, not kill PORT, when only a client's connection uses the port", async () => {
    const { client, port } = await clientConnection();
    const r = await runCli([String(port)]);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(`Free it: porthole kill pid:${client.pid}`);
  });

  // Whether a connection's local port stands in a new server's way is the OS's binding rule: Linux
  // refuses the bind (the connection did not set SO_REUSEADDR). macOS lets a SO_REUSEADDR listener
  // (Node's) bind the wildcard beside a connected socket, and Windows has rules of its own, so there
  // `why` and `kill` may rightly call the port free.
  it.runIf(linux)("says a client's connection blocks binds on its port, and that kill PORT leaves it alone", async () => {
    const { client, port } = await clientConnection();
    const why = await runCli(['why', String(port)]);
    expect(why.code).toBe(1);
    expect(why.stdout.trimEnd().split('\n').at(-1)).toBe(`Free it: porthole kill pid:${client.pid}`);
    // kill PORT leaves the connection alone, checks the port, and says it is not free (exit 1, not 0).
    const kill = await runCli(['kill', String(port), '--yes']);
    expect(kill.code).toBe(1);
    expect(kill.stdout).toContain(`:${port} is not free: node (pid ${client.pid}) has a connection whose local port is ${port}, which kill leaves alone`);
  });

  it('reports a conflict between an IPv4 and an IPv6 owner of the same port', async () => {
    const v6 = await spawnHelper({ host: '::1' });
    // The same port on 127.0.0.1, in another process; retry if the OS happens to have it taken.
    const v4 = await spawnHelperOnPort('127.0.0.1', v6.port!);
    if (!v4) return expect.fail('could not bind 127.0.0.1 on the IPv6 helper port');
    const r = await runCli([String(v6.port), '--json']);
    const answer = JsonPortAnswer.parse(JSON.parse(r.stdout));
    const conflict = answer.conflicts.find((c) => c.kind === 'dual-stack-split');
    expect(conflict?.pids.sort()).toEqual([v4, v6.pid].sort());
    expect(conflict?.reason).toMatch(/localhost/);
    // As text, a conflict is a warning line of its own.
    const text = await runCli([String(v6.port)]);
    expect(text.stdout.split('\n').filter((l) => l.startsWith('⚠ '))).toEqual([`⚠ ${conflict!.reason}`]);
  });

  // Windows' netstat names one owning pid per socket: a listener handed to workers shows only the
  // process that made it, so there is no group of three to note.
  it.skipIf(windows)('prints a listener shared by forked workers as a note, not a conflict warning', async () => {
    const primary = await spawnLab();
    const { port } = await primary.tcpListen('srv', '127.0.0.1');
    const { pids: workers } = (await primary.op('share', { name: 'srv', workers: 2 })) as { pids: number[] };
    for (const pid of workers) await adopt(pid);
    const r = await runCli([String(port)]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.some((l) => l.startsWith('⚠'))).toBe(false);
    expect(lines.filter((l) => l.startsWith('· '))).toEqual([expect.stringContaining('3 processes')]);
  });
});

async function spawnHelperOnPort(host: string, port: number): Promise<number | undefined> {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${port}, '${host}', () => console.log('ok')).on('error', () => process.exit(3)); setInterval(() => {}, 1000)`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [data] = await Promise.race([once(child.stdout!, 'data'), once(child, 'exit').then(() => [undefined])]);
  extraChildren.push(child);
  if (!data) return undefined;
  return child.pid;
}

describe('porthole list', () => {
  it('prints every socket in the documented JSON shape, including ours', async () => {
    const s = await spawnHelper({ host: '127.0.0.1', udp: true });
    const r = await runCli(['list', '--json']);
    expect(r.code).toBe(0);
    const snap = JsonSnapshot.parse(JSON.parse(r.stdout));
    const mine = snap.sockets.find((x) => x.localPort === s.port && x.protocol === 'udp');
    expect(mine).toMatchObject({ state: 'UNCONN', remoteAddress: null, pids: [s.pid] });
    expect(snap.processes.some((p) => p.pid === s.pid)).toBe(true);
  });

  it('--listening leaves out established connections', async () => {
    const server = net.createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const s = { port: (server.address() as net.AddressInfo).port };
    const client = net.connect(s.port, '127.0.0.1');
    await once(client, 'connect');
    const clientPort = client.localPort!;
    try {
      const all = JsonSnapshot.parse(JSON.parse((await runCli(['list', '--json'])).stdout));
      expect(all.sockets.some((x) => x.localPort === clientPort && x.state === 'ESTABLISHED')).toBe(true);
      const listening = JsonSnapshot.parse(JSON.parse((await runCli(['--listening', '--json'])).stdout));
      expect(listening.sockets.some((x) => x.localPort === clientPort)).toBe(false);
      expect(listening.sockets.some((x) => x.localPort === s.port && x.state === 'LISTEN')).toBe(true);
      expect(listening.sockets.every((x) => x.state === 'LISTEN' || x.state === 'UNCONN')).toBe(true);
    } finally {
      client.destroy();
      server.close();
    }
  });

  it('prints one plain aligned row per socket when piped', async () => {
    const s = await spawnHelper({ host: '127.0.0.1' });
    const r = await runCli(['list']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^PROTO\s+LOCAL\s+REMOTE\s+STATE\s+PID\s+PROCESS\s+SERVICE$/);
    const row = lines.find((l) => l.includes(`127.0.0.1:${s.port} `));
    expect(row).toMatch(new RegExp(`^tcp4\\s+127\\.0\\.0\\.1:${s.port}\\s+\\*\\s+LISTEN\\s+${s.pid}\\s+${NODE_NAME.replace('.', '\\.')}\\s`));
    expect(r.stdout).not.toMatch(/\x1b\[/); // no colour codes in a pipe
  });

  // A POSIX shell's pipeline into `true`; Windows has no sh to run native programs through.
  it.skipIf(windows)('stops quietly when the reader goes away (`porthole list | head`)', async () => {
    const s = await spawnHelper({ host: '127.0.0.1' });
    // A reader that exits before reading (true): every write meets a closed pipe, as after head -1.
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" ${s.port} | true; "${process.execPath}" "${BIN}" list | true`], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    // No EPIPE, no stack. Run as a normal user (macOS, and CI's Linux runner) the engine also warns
    // that other users' processes are hidden from it: those lines are fine. As root there are none.
    if (process.getuid?.() === 0) expect(r.stderr).toBe('');
    else expect(r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('warning: '))).toEqual([]);
    expect(r.status).toBe(0);
  });
});

describe('bad arguments', () => {
  const cases: Array<[string[], RegExp]> = [
    [['70000'], /out of range/],
    [['0'], /out of range/],
    [['why', 'http'], /not a port number/],
    [['why'], /missing PORT/],
    [['kill', 'pid:abc'], /not a process id/],
    [['kill'], /missing PORT or pid:PID/],
    [['list', '--bogus'], /unknown option --bogus/],
    [['3000', '4000'], /unexpected argument "4000"/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['3e3'], /"3e3" is not a port number/],
    [['watch', '--interval', 'soon'], /not a duration/],
    [['watch', '--interval', '1ms'], /between 250ms and 1h/],
  ];
  it.each(cases)('porthole %j: one line on stderr, exit 2, nothing on stdout', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('kill refuses to act without --yes when stdin is not a terminal, and signals nothing', async () => {
    const s = await spawnHelper({ host: '127.0.0.1' });
    const r = await runCli(['kill', String(s.port)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/pass --yes/);
    expect(isRunning(s.child)).toBe(true);
  });
});

describe('porthole kill', () => {
  afterAll(removeServerFolders);

  // Windows has no SIGTERM: the graceful stop there is a Ctrl+C on the target's console, which
  // Porthole refuses to send to a console it is on itself (main/core/kill-console.ts), and these
  // children share the test's console, as does the porthole it runs. So on Windows these would
  // report "still running" by design. test/os (windows-ctrl-c.test.ts, real-os.test.ts) stops
  // processes on Windows with a console of their own, and with --force.
  it.skipIf(windows)('says before it asks that a watcher would start the server again, and how to stop both', async () => {
    const { watcher, server } = await spawnWatchedServer();
    const r = await runCli(['kill', String(server.port), '--yes']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    const note = lines.findIndex((l) => l.includes(`node --watch (pid ${watcher.pid}) starts node (pid ${server.pid}) again when a file changes`));
    expect(note, r.stdout).toBeGreaterThan(0);
    expect(lines[note]).toContain(`To stop both: porthole kill pid:${watcher.pid} --tree`);
    // Said with the plan, before any signal.
    expect(note).toBeLessThan(lines.findIndex((l) => l.includes('sent SIGTERM')));

    const json = JSON.parse((await runCli(['kill', `pid:${watcher.pid}`, '--yes', '--json'])).stdout);
    // Stopping the watcher itself: nothing above it restarts anything.
    expect(json.plan.supervision).toEqual([]);
    expect(json.report.ok).toBe(true);
  });

  it.skipIf(windows)('stops the holder gracefully and confirms the port is free', async () => {
    const s = await spawnHelper({ host: '127.0.0.1' });
    const r = await runCli(['kill', String(s.port), '--yes']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`sent SIGTERM to pid ${s.pid}`);
    // The port check is said once, at the end.
    const free = r.stdout.trimEnd().split('\n').filter((l) => / is free/.test(l));
    expect(free).toHaveLength(1);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(free[0]);
    await s.exited;
    expect((await runCli([String(s.port)])).code).toBe(1);
  });

  it.skipIf(windows)('reports a process that ignores SIGTERM, and --force escalates', async () => {
    const s = await spawnHelper({ host: '127.0.0.1', ignoreTerm: true });
    const gentle = await runCli(['kill', String(s.port), '--yes', '--json']);
    expect(gentle.code).toBe(1);
    const report = JSON.parse(gentle.stdout).report;
    expect(report.stillRunning).toEqual([s.pid]);
    expect(isRunning(s.child)).toBe(true);

    const forced = await runCli(['kill', String(s.port), '--yes', '--force', '--json']);
    expect(forced.code).toBe(0);
    const signals = JSON.parse(forced.stdout).report.steps.filter((x: { kind: string }) => x.kind === 'signal').map((x: { signal: string }) => x.signal);
    expect(signals).toEqual(['SIGTERM', 'SIGKILL']);
    await s.exited;
  });

  it('refuses pid 1 and itself with exit 3', async () => {
    const init = await runCli(['kill', 'pid:1', '--yes']);
    expect(init.code).toBe(3);
    expect(init.stdout.trim()).toBe('Nothing will be stopped for pid 1.');
    // Windows: kill looks no names up for refused pids there (kill-deps.ts: that would start another
    // PowerShell), and pid 1 is no process anyway, so the refusal says the number alone.
    expect(init.stderr).toMatch(windows ? /^ {2}refused: pid 1 is init/ : /^ {2}refused: .*\(pid 1\) is init/);
    expect(init.stderr.match(/is init/g)).toHaveLength(1);
  });

  // The interactive prompt needs a TTY: util-linux's `script` gives the child one.
  const hasScript = spawnSync('script', ['--version']).status === 0;
  it.runIf(hasScript)('asks for confirmation on a terminal, and a "no" signals nothing', async () => {
    const s = await spawnHelper({ host: '127.0.0.1' });
    const r = spawnSync('script', ['-qec', `${process.execPath} bin/porthole.cjs kill ${s.port}`, '/dev/null'], { input: 'n\n', encoding: 'utf8', timeout: 20_000 });
    expect(r.stdout).toContain(`Stop node (pid ${s.pid})? [y/N]`);
    expect(r.stdout).toMatch(/Nothing was signalled/);
    expect(isRunning(s.child)).toBe(true);
  });
});

describe('porthole why', () => {
  afterAll(removeServerFolders);

  // Which trial binds fail beside a listener on 127.0.0.1 is the OS's binding rule. On Linux the
  // wildcard binds fail too, so the port is not bindable. macOS lets a SO_REUSEADDR listener (Node's)
  // of the same user bind the wildcard beside it, and Windows has rules of its own: there the verdict,
  // the probe line and the closing "Free it" may rightly differ.
  it.runIf(linux)('explains a held port (exit 1)', async () => {
    const s = await spawnHelper({ host: '127.0.0.1' });
    const held = await runCli(['why', String(s.port)]);
    expect(held.code).toBe(1);
    const lines = held.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`No: a TCP server can't bind :${s.port} now.`);
    // Who holds it is said once, on the first finding.
    expect(lines.filter((l) => l.includes(`pid ${s.pid}`))).toEqual([`  ✗ TCP 127.0.0.1:${s.port} is in use by node (pid ${s.pid}).`]);
    // Trial binds grouped by outcome, the asked protocol first; then the command that frees it.
    const tcp = lines.findIndex((l) => l.startsWith('    TCP  '));
    expect(lines[tcp]).toMatch(/^ {4}TCP {2}EADDRINUSE: listen\(port\), 0\.0\.0\.0, 127\.0\.0\.1 · binds: /);
    expect(lines[tcp + 1]).toBe('    UDP  binds on every address');
    expect(lines.at(-1)).toBe(`Free it: porthole kill ${s.port}`);
  });

  it('explains a free port (exit 0)', async () => {
    const port = await freePort();
    const free = await runCli(['why', String(port)]);
    expect(free.code).toBe(0);
    expect(free.stdout).toContain('    TCP  binds on every address\n');
    expect(free.stdout).not.toContain('porthole kill');
    const json = await runCli(['why', String(port), '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ port, bindable: true });
  });

  it('names the watcher that would restart the holder', async () => {
    const { watcher, server } = await spawnWatchedServer();
    const r = await runCli(['why', String(server.port)]);
    const stop = `porthole kill pid:${watcher.pid} --tree`;
    expect(r.stdout.split('\n')).toContain(`  ! node --watch (pid ${watcher.pid}) starts ${NODE_NAME} (pid ${server.pid}) again when a file changes. To stop both: ${stop}`);
    const json = JSON.parse((await runCli(['why', String(server.port), '--json'])).stdout);
    expect(json.restarts).toMatchObject([{ kind: 'watcher', pids: [server.pid], stop }]);
  });

  // The held port's verdict and its "Free it" line: Linux's binding rule, as above.
  it.runIf(linux)("names the watcher right after the holder, and ends with the watcher's stop", async () => {
    const { watcher, server } = await spawnWatchedServer();
    const r = await runCli(['why', String(server.port)]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    const stop = `porthole kill pid:${watcher.pid} --tree`;
    expect(lines[2]).toBe(`  ! node --watch (pid ${watcher.pid}) starts node (pid ${server.pid}) again when a file changes. To stop both: ${stop}`);
    expect(lines.at(-1)).toBe(`Free it: ${stop}`);
  });
});

describe('porthole watch', () => {
  it('streams one JSON object per line as sockets come and go, and stops cleanly on SIGINT', async () => {
    const port = await freePort();
    const watch = startCli(['watch', String(port), '--json', '--interval', '250ms']);
    try {
      const first = JSON.parse(await watch.waitFor((l) => l.includes('"snapshot"')));
      expect(first.sockets).toEqual([]);
      const srv = net.createServer().listen(port, '127.0.0.1');
      await once(srv, 'listening');
      const added = JSON.parse(await watch.waitFor((l) => l.includes('"added"')));
      expect(added.socket).toMatchObject({ localPort: port, state: 'LISTEN', pids: [process.pid] });
      expect(added.processes[0].pid).toBe(process.pid);
      srv.close();
      const removed = JSON.parse(await watch.waitFor((l) => l.includes('"removed"')));
      expect(removed.socket.localPort).toBe(port);
    } finally {
      watch.child.kill('SIGINT');
    }
    const [code] = await once(watch.child, 'exit');
    // Windows has no SIGINT to send: child.kill('SIGINT') ends the process outright there
    // (TerminateProcess), so its exit says nothing about a clean stop (a Ctrl+C in its console would).
    if (!windows) expect(code).toBe(0);
  });

  it('stops by itself once its reader has gone (`porthole watch | head -1`)', async () => {
    const port = await freePort();
    const watch = startCli(['watch', String(port), '--interval', '250ms']);
    const exited = once(watch.child, 'exit');
    await watch.waitFor((l) => l.startsWith('Watching'));
    // The reader leaves; the next line the watch writes finds the pipe closed.
    watch.child.stdout!.destroy();
    const srv = net.createServer().listen(port, '127.0.0.1');
    await once(srv, 'listening');
    try {
      const [code] = await Promise.race([exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('watch kept running')), 15_000))]);
      expect(code).toBe(0);
    } finally {
      srv.close();
      if (watch.child.exitCode === null) watch.child.kill('SIGKILL');
    }
  });

  it('says its interval in words people use', async () => {
    const watch = startCli(['watch', String(await freePort()), '--interval', '1500ms']);
    try {
      expect(await watch.waitFor((l) => l.startsWith('Watching'))).toMatch(/^Watching :\d+ every 1\.5 s \(Ctrl\+C to stop\)$/);
    } finally {
      watch.child.kill('SIGINT');
      await once(watch.child, 'exit');
    }
  });
});

describe('porthole watch, when the owner exits', () => {
  it('names the owner of a socket that went away with its process, as text and as JSON', async () => {
    for (const json of [false, true]) {
      const s = await spawnHelper({ host: '127.0.0.1' });
      const args = ['watch', String(s.port), '--interval', '250ms', ...(json ? ['--json'] : [])];
      const watch = startCli(args);
      try {
        await watch.waitFor((l) => l.includes(String(s.port)));
        s.child.kill('SIGTERM');
        const removed = await watch.waitFor((l) => (json ? l.includes('"removed"') : / - tcp4 /.test(l)));
        if (json) expect(JSON.parse(removed).processes).toMatchObject([{ pid: s.pid, name: NODE_NAME }]);
        else expect(removed).toMatch(new RegExp(` - tcp4 127\\.0\\.0\\.1:${s.port} LISTEN ${NODE_NAME.replace('.', '\\.')}\\(${s.pid}\\)$`));
      } finally {
        watch.child.kill('SIGINT');
        await once(watch.child, 'exit');
      }
    }
  });
});

describe('porthole help', () => {
  it('prints usage and exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/porthole why PORT/);
  });
});
