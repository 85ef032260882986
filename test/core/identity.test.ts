import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePsLines } from '../../main/core/identity-darwin.js';
import { parseTgid } from '../../main/core/identity-linux.js';
import { parseBootTime, parseProcStat, PF_KTHREAD } from '../../main/core/procfs.js';
import { parseCimLines } from '../../main/core/identity-win32.js';
import { linuxIdentity } from '../../main/core/identity-linux.js';
import { ancestorsInTable, ancestorsOf, childrenOf, descendantsOf, readIdentity, type IdentityBackend } from '../../main/core/identity.js';
import { cleanup, reapedPid, spawnHelper, waitFor } from './spawned.js';

const linux = process.platform === 'linux';

afterEach(cleanup);

describe('parseProcStat', () => {
  const tail = 'S 1 2 3 0 -1 4194560 100 0 0 0 5 6 0 0 20 0 1 0 12345 1000 10 0';

  it('reads ppid, state and start ticks after the last parenthesis', () => {
    expect(parseProcStat(`42 (node) ${tail}`)).toEqual({ pid: 42, comm: 'node', state: 'S', ppid: 1, startTicks: 12345, flags: 4194560 });
  });

  it('reads the kernel-thread flag (captured: kthreadd, then a shell)', () => {
    const kthreadd = '2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 25 0 0 18446744073709551615 0 0 0 0 0 0 0 2147483647 0 1 0 0 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0';
    const bash = '30086 (bash) S 30085 30086 30086 0 -1 4194560 35076 4639544 0 182 10 26 18144 3633 20 0 1 0 3669707 5373952 1021 18446744073709551615 94088841199616 94088841989021 140729505125408 0 0 0 65536 4 1132560123 1 0 0 17 1 0 0 0 0 0 94088842222320 94088842270564 94089593880576 140729505131388 140729505131403 140729505131403 140729505132522 0';
    expect(parseProcStat(kthreadd)!.flags & PF_KTHREAD).toBe(PF_KTHREAD);
    expect(parseProcStat(bash)!.flags & PF_KTHREAD).toBe(0);
  });

  it('keeps spaces and parentheses inside comm', () => {
    expect(parseProcStat(`7 (a) b (c)) ${tail}`)?.comm).toBe('a) b (c)');
    expect(parseProcStat(`7 () ${tail}`)?.comm).toBe('');
  });

  it('rejects malformed text', () => {
    for (const bad of ['', '42 node S 1', '42 (node)', `x (node) ${tail}`, `42 (node) S x 2`]) expect(parseProcStat(bad)).toBeNull();
  });

  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string(), (s) => void parseProcStat(s)));
  });

  it('parses Tgid from /proc/PID/status', () => {
    expect(parseTgid('Name:\tnode\nUmask:\t0022\nState:\tS\nTgid:\t4321\nNgid:\t0\nPid:\t4325\n')).toBe(4321);
    expect(parseTgid('')).toBeNull();
  });

  it('parses btime from /proc/stat', () => {
    expect(parseBootTime('cpu 1 2 3\nbtime 1700000000\nprocesses 5\n')).toBe(1700000000);
    expect(parseBootTime('cpu 1 2 3\n')).toBeNull();
  });
});

describe('other OS parsers', () => {
  it('parses ps lstart lines (macOS / BSD)', () => {
    const rows = parsePsLines('  123     1 Ss   Mon Jan  1 12:00:00 2024 /usr/sbin/sshd\n  9  1 Z Tue Feb 13 09:05:03 2024 (node)\ngarbage\n');
    expect(rows).toEqual([
      { pid: 123, ppid: 1, state: 'Ss', startTime: Date.UTC(2024, 0, 1, 12, 0, 0), name: 'sshd', exe: '/usr/sbin/sshd' },
      { pid: 9, ppid: 1, state: 'Z', startTime: Date.UTC(2024, 1, 13, 9, 5, 3), name: '(node)', exe: null },
    ]);
  });

  it('parses CIM lines (Windows), names with pipes included', () => {
    expect(parseCimLines('4|0|||System\r\n812|640|1700000000001||lsass.exe\r\n1200|600|1700000000123|C:\\Program Files\\My App\\app.exe|my|app.exe\r\n\r\n')).toEqual([
      { pid: 4, ppid: 0, startTime: null, exe: null, name: 'System' },
      { pid: 812, ppid: 640, startTime: 1700000000001, exe: null, name: 'lsass.exe' },
      { pid: 1200, ppid: 600, startTime: 1700000000123, exe: 'C:\\Program Files\\My App\\app.exe', name: 'my|app.exe' },
    ]);
  });

  it('stops an ancestor walk at a stale ppid, a loop, or pid 0', () => {
    const table = [
      { pid: 0, ppid: 0, startTime: null },
      { pid: 4, ppid: 0, startTime: 1000 },
      { pid: 10, ppid: 4, startTime: 5000 },
      { pid: 11, ppid: 10, startTime: 6000 },
      { pid: 12, ppid: 11, startTime: 7000 },
      // 20's parent died and its number went to a younger process: the walk stops before it.
      { pid: 20, ppid: 11, startTime: 5500 },
      { pid: 30, ppid: 31, startTime: 100 },
      { pid: 31, ppid: 30, startTime: 100 },
    ];
    expect(ancestorsInTable(12, table)).toEqual([11, 10, 4]);
    expect(ancestorsInTable(20, table)).toEqual([]);
    expect(ancestorsInTable(30, table)).toEqual([31]);
    // An unreadable parent is still named: refusing to kill it is the safe side.
    expect(ancestorsInTable(40, [{ pid: 40, ppid: 39, startTime: 1 }])).toEqual([39]);
    expect(ancestorsInTable(41, table)).toEqual([]);
  });

  it('never throws on garbage or truncated output, and keeps only well-formed rows', () => {
    const ps = '  123     1 Ss   Mon Jan  1 12:00:00 2024 /usr/sbin/sshd\n  456   123 S    Tue Feb 13 09:05:03 2024 /usr/local/bin/node\n';
    const cim = '4|0|||System\r\n812|640|1700000000001||lsass.exe\r\n1200|600|1700000000123|C:\\app\\app.exe|app.exe\r\n';
    fc.assert(
      fc.property(fc.string(), fc.nat(), (noise, cut) => {
        for (const rows of [parsePsLines(noise), parsePsLines(ps.slice(0, cut % (ps.length + 1)) + noise)]) {
          for (const r of rows) expect(Number.isInteger(r.pid) && Number.isInteger(r.ppid) && Number.isFinite(r.startTime)).toBe(true);
        }
        for (const rows of [parseCimLines(noise), parseCimLines(cim.slice(0, cut % (cim.length + 1)) + noise)]) {
          for (const r of rows) expect(Number.isInteger(r.pid) && (r.exe === null || !r.exe.includes('|'))).toBe(true);
        }
      }),
    );
  });

  it('drops stale ppids: a "child" older than its parent', async () => {
    const backend: IdentityBackend = {
      read: async () => null,
      list: async () => [
        { pid: 10, ppid: 1, startTime: 5000 },
        { pid: 11, ppid: 10, startTime: 6000 },
        { pid: 12, ppid: 10, startTime: 1000 }, // its real parent died; pid 10 was reused later
      ],
    };
    expect(await childrenOf(10, backend)).toEqual([11]);
  });
});

describe.runIf(linux)('readIdentity on Linux', () => {
  it('reads this process', async () => {
    const id = await readIdentity(process.pid);
    expect(id).not.toBeNull();
    expect(id!.pid).toBe(process.pid);
    expect(id!.ppid).toBe(process.ppid);
    const started = Date.now() - process.uptime() * 1000;
    // 10 ms ticks, plus the time Node took to boot before uptime starts counting.
    expect(Math.abs(id!.startTime - started)).toBeLessThan(5_000);
    expect(await readIdentity(process.pid)).toEqual(id);
  });

  it('reads a child, which started after us', async () => {
    const s = await spawnHelper();
    const [me, it] = await Promise.all([readIdentity(process.pid), readIdentity(s.pid)]);
    expect(it).toMatchObject({ pid: s.pid, ppid: process.pid });
    expect(it!.startTime).toBeGreaterThanOrEqual(me!.startTime);
    expect(it!.startTime).toBeLessThanOrEqual(Date.now() + 20);
  });

  it('parses a real comm with spaces and parentheses', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'porthole-id-'));
    try {
      const exe = join(dir, 'a) b (c');
      await symlink(process.execPath, exe);
      const child = spawn(exe, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      try {
        let id = await readIdentity(child.pid!);
        await waitFor(async () => (id = await readIdentity(child.pid!))?.name === 'a) b (c');
        expect(id).toMatchObject({ pid: child.pid, ppid: process.pid, name: 'a) b (c' });
      } finally {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('returns null for a pid that does not exist, and for nonsense', async () => {
    const pid = await reapedPid();
    if (!existsSync(`/proc/${pid}`)) expect(await readIdentity(pid)).toBeNull();
    for (const bad of [0, -1, -42, Number.NaN, 1.5, Number.POSITIVE_INFINITY, 2 ** 40]) expect(await readIdentity(bad)).toBeNull();
  });

  it('does not take a thread id for a process', async () => {
    const { readdir } = await import('node:fs/promises');
    const tid = (await readdir(`/proc/${process.pid}/task`)).map(Number).find((t) => t !== process.pid);
    expect(tid).toBeDefined(); // Node always runs a few threads (V8 platform, libuv pool)
    expect(existsSync(`/proc/${tid}/stat`)).toBe(true);
    expect(await readIdentity(tid!)).toBeNull();
  });

  it('treats a zombie as gone', async () => {
    // sh forks `sleep 1`, then execs into `sleep 30`, which never reaps it: a guaranteed zombie.
    // (The second lets the exec happen first; a child that exits sooner may be reaped by sh itself.)
    const sh = spawn('sh', ['-c', 'sleep 1 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const [data] = (await once(sh.stdout!, 'data')) as [Buffer];
      const zombie = Number(data.toString().trim());
      await waitFor(async () => {
        const { readFile } = await import('node:fs/promises');
        const stat = await readFile(`/proc/${zombie}/stat`, 'utf8').catch(() => '');
        return parseProcStat(stat)?.state === 'Z';
      });
      expect(await readIdentity(zombie)).toBeNull();
    } finally {
      sh.kill('SIGKILL');
      await once(sh, 'exit');
    }
  });
});

describe.runIf(linux)('process tree on Linux', () => {
  it('walks ancestors up to pid 1', async () => {
    const chain = await ancestorsOf(process.pid);
    expect(chain[0]).toBe(process.ppid);
    expect(chain).not.toContain(process.pid);
    expect(chain.at(-1)).toBe(1);
  });

  it('walks the same chain in one snapshot of the table, as Windows does', async () => {
    const s = await spawnHelper({ spawnChild: true });
    const table = await linuxIdentity.list();
    expect(ancestorsInTable(s.childPid!, table)).toEqual(await ancestorsOf(s.childPid!, linuxIdentity));
    expect(ancestorsInTable(s.childPid!, table).slice(0, 2)).toEqual([s.pid, process.pid]);
    // A backend that walks by list gives the same answer through ancestorsOf.
    expect(await ancestorsOf(s.childPid!, { ...linuxIdentity, walksByList: true })).toEqual(ancestorsInTable(s.childPid!, table));
  });

  it('finds children and grandchildren, parents first', async () => {
    const s = await spawnHelper({ spawnChild: true });
    expect(await childrenOf(process.pid)).toContain(s.pid);
    expect(await childrenOf(s.pid)).toEqual([s.childPid]);
    const all = await descendantsOf(process.pid);
    expect(all.indexOf(s.pid)).toBeGreaterThanOrEqual(0);
    expect(all.indexOf(s.childPid!)).toBeGreaterThan(all.indexOf(s.pid));
    expect(await descendantsOf(s.childPid!)).toEqual([]);
  });
});
