// The macOS identity reader, run for real here: procps's ps takes the same flags as BSD ps
// (-A, -p, one -o per column with an empty header) and prints lstart in the same C-locale form.
// What differs is comm (macOS: the executable's path; procps: a 15-character name), so names are
// checked only where both agree. The macOS job of test:os runs it against BSD ps itself.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { describe, expect, it, afterEach } from 'vitest';
import { darwinIdentity } from '../../main/core/identity-darwin.js';
import { linuxIdentity } from '../../main/core/identity-linux.js';
import { ancestorsOf } from '../../main/core/identity.js';
import { parseProcStat } from '../../main/core/procfs.js';
import { cleanup, spawnHelper, waitFor } from './spawned.js';

const hasPs = process.platform === 'linux' && spawnSync('ps', ['-A', '-o', 'pid=', '-o', 'lstart='], { stdio: 'ignore' }).status === 0;

afterEach(cleanup);

describe.runIf(hasPs)('the macOS identity reader, on ps', () => {
  it('reads a live child: its parent, and its start time to the second', async () => {
    const s = await spawnHelper();
    const viaPs = await darwinIdentity.read(s.pid);
    const viaProc = await linuxIdentity.read(s.pid);
    expect(viaPs).toMatchObject({ pid: s.pid, ppid: process.pid, name: 'node' });
    // lstart has one-second resolution: the same process, rounded down.
    expect(Math.abs(viaPs!.startTime - viaProc!.startTime)).toBeLessThan(1000);
    expect(viaPs!.startTime % 1000).toBe(0);
  });

  it('gives null for a pid that does not exist, and for a zombie', async () => {
    expect(await darwinIdentity.read(0x7ffffffe)).toBeNull();
    const sh = spawn('sh', ['-c', 'sleep 1 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const [data] = (await once(sh.stdout!, 'data')) as [Buffer];
      const zombie = Number(data.toString().trim());
      await waitFor(() => parseProcStat(readFileSync(`/proc/${zombie}/stat`, 'utf8'))?.state === 'Z');
      expect(await darwinIdentity.read(zombie)).toBeNull();
      expect((await darwinIdentity.list()).some((p) => p.pid === zombie)).toBe(false);
    } finally {
      sh.kill('SIGKILL');
      await once(sh, 'exit');
    }
  });

  it('lists every live process with its parent, like /proc does', async () => {
    const s = await spawnHelper({ spawnChild: true });
    const [viaPs, viaProc] = await Promise.all([darwinIdentity.list(), linuxIdentity.list()]);
    expect(viaPs.find((p) => p.pid === s.childPid)).toMatchObject({ ppid: s.pid });
    expect(viaPs.find((p) => p.pid === s.pid)).toMatchObject({ ppid: process.pid });
    // Processes alive across both reads appear in both, with the same parent.
    const procParents = new Map(viaProc.map((p) => [p.pid, p.ppid]));
    const common = viaPs.filter((p) => procParents.has(p.pid));
    expect(common.length).toBeGreaterThan(viaPs.length * 0.9);
    for (const p of common) expect(p.ppid).toBe(procParents.get(p.pid));
  });

  it('walks ancestors with one listing, to the same chain as one ps per level and as /proc', async () => {
    const s = await spawnHelper({ spawnChild: true });
    expect(darwinIdentity.walksByList).toBe(true);
    const byList = await ancestorsOf(s.childPid!, darwinIdentity);
    expect(byList.slice(0, 2)).toEqual([s.pid, process.pid]);
    expect(await ancestorsOf(s.childPid!, { ...darwinIdentity, walksByList: false })).toEqual(byList);
    expect(await ancestorsOf(s.childPid!, linuxIdentity)).toEqual(byList);
  });
});
