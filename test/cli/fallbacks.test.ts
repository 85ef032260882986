// The real `porthole` command when its preferred tools are missing: it falls back rather than
// fail, and when nothing works it says so with exit 4, never 1 (which `porthole PORT` uses for "free").
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { cleanup, spawnHelper } from '../core/spawned.js';
import { JsonPortAnswer } from './json-contract.js';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'porthole-fallbacks-'));
afterEach(cleanup);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Makes Node report another OS, for which Porthole has no collector of its own. */
const otherOs = path.join(dir, 'other-os.cjs');
writeFileSync(otherOs, "Object.defineProperty(process, 'platform', { value: 'freebsd' });\n");

describe.runIf(process.platform === 'linux')('when the preferred tools are missing', () => {
  it('without ss on PATH, reads /proc/net and still names the holder', async () => {
    const s = await spawnHelper({ host: '127.0.0.1' });
    const emptyPath = path.join(dir, 'empty-bin');
    mkdirSync(emptyPath, { recursive: true });
    const r = await runCli([String(s.port), '--json'], { env: { PATH: emptyPath } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const answer = JsonPortAnswer.parse(JSON.parse(r.stdout));
    expect(answer.collector).toBe('linux-procfs');
    expect(answer.warnings.join(' ')).toMatch(/ss \(iproute2\) is not installed; reading \/proc\/net/);
    expect(answer.sockets.find((x) => x.state === 'LISTEN')).toMatchObject({ localAddress: '127.0.0.1', localPort: s.port, pids: [s.pid] });
  });

  it('on an OS without a collector of its own, answers through systeminformation', async () => {
    const s = await spawnHelper({ host: '127.0.0.1' });
    const r = await runCli([String(s.port), '--json'], { env: { NODE_OPTIONS: `--require ${otherOs}` } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const answer = JsonPortAnswer.parse(JSON.parse(r.stdout));
    expect(answer.collector).toBe('systeminformation');
    expect(answer.sockets.find((x) => x.state === 'LISTEN')).toMatchObject({ localAddress: '127.0.0.1', localPort: s.port });
  });

  it('when no way of listing sockets works, exits 4 with one line saying why, not 1 ("free")', async () => {
    // A broken install: the command without its node_modules, on an OS where only systeminformation could answer.
    const install = path.join(dir, 'broken-install');
    cpSync(path.resolve('bin/porthole.cjs'), path.join(install, 'bin/porthole.cjs'));
    cpSync(path.resolve('out/cli/porthole.cjs'), path.join(install, 'out/cli/porthole.cjs'));
    const s = await spawnHelper({ host: '127.0.0.1' });
    for (const args of [[String(s.port)], ['list', '--json']]) {
      const r = await runCli(args, { env: { NODE_OPTIONS: `--require ${otherOs}` }, bin: path.join(install, 'bin/porthole.cjs') });
      expect(r.code, args.join(' ')).toBe(4);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^porthole: .*systeminformation/);
    }
    const kill = await runCli(['kill', String(s.port), '--yes'], { env: { NODE_OPTIONS: `--require ${otherOs}` }, bin: path.join(install, 'bin/porthole.cjs') });
    expect(kill.code).toBe(4);
    expect(kill.stderr).toMatch(/Could not list the sockets on :\d+/);
  });
});
