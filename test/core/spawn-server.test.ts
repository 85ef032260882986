// The fork server (collect/spawn-server.ts) against real commands: whatever it runs must come back
// exactly as runCommand gives it (output, errors and all), one command at a time, and a hung,
// cancelled or killed shell must cost one command, never the next.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCommand, type RunOptions } from '../../main/core/collect/run.js';
import { SpawnServer } from '../../main/core/collect/spawn-server.js';

const servers: SpawnServer[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

function server(): SpawnServer {
  const s = new SpawnServer();
  servers.push(s);
  return s;
}

/** runCommand's answer or error message, to compare with the server's. */
async function outcome(run: (c: string, a: string[], o?: RunOptions) => Promise<{ stdout: string; stderr: string }>, c: string, a: string[], o?: RunOptions) {
  try {
    return { ok: await run(c, a, o) };
  } catch (error) {
    return { error: (error as Error).message, code: (error as { code?: unknown }).code };
  }
}

// A POSIX shell's job (/bin/sh, process groups): the Linux monitor's, never started on Windows.
describe.runIf(process.platform !== 'win32')('SpawnServer', () => {
  const cases: Array<[string, string, string[], RunOptions?]> = [
    ['output with a final newline', 'printf', ['a\\nb\\n']],
    ['output without one', 'printf', ['no newline at the end']],
    ['no output', 'true', []],
    ['blank lines and quotes', 'printf', ["it's \"quoted\"\\n\\n\\n"]],
    ['non-ASCII', 'printf', ['fe80::1%%eth0 café ✓\\n']],
    ['stderr and a failure', 'sh', ['-c', 'echo out; echo "bad thing happened" >&2; exit 3']],
    ['a failure that is fine', 'sh', ['-c', 'echo partial; exit 1'], { okCodes: [0, 1] }],
    ['a missing command', 'porthole-no-such-command-x', []],
    ['the real ss', 'ss', ['-tunaeH']],
  ];
  for (const [name, command, args, options] of cases) {
    // ss is Linux's (iproute2); macOS has no such program.
    it.skipIf(command === 'ss' && process.platform !== 'linux')(`answers as runCommand does: ${name}`, async () => {
      const direct = await outcome(runCommand, command, args, options);
      const served = await outcome(server().run, command, args, options);
      if (command === 'ss') {
        // Sockets come and go between the two runs (other tests run beside this one): compare shape.
        expect(served.ok!.stdout.split('\n').length).toBeGreaterThan(1);
        expect(served.ok!.stdout.endsWith('\n')).toBe(direct.ok!.stdout.endsWith('\n'));
        return;
      }
      expect(served).toEqual(direct);
    });
  }

  it('returns megabytes of output whole, however the pipe splits it', async () => {
    const s = server();
    const { stdout } = await s.run('sh', ['-c', 'i=0; while [ $i -lt 40000 ]; do echo "line $i of a long output ............................"; i=$((i+1)); done']);
    const lines = stdout.split('\n');
    expect(lines).toHaveLength(40001);
    expect(lines[39999]).toBe('line 39999 of a long output ............................');
  });

  it('tells apart outputs of one command that differ in a byte, at any size, and repeats the same one', async () => {
    // Output equal to the last run's is handed back without decoding again: a compare that missed
    // a byte, or kept a stale length or command, would answer with the previous output.
    const s = server();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'porthole-spawn-'));
    const file = path.join(dir, 'out');
    const big = (last: string) => `${'line ........................................\n'.repeat(3000)}${last}`;
    try {
      const answers: string[] = [];
      for (const content of ['aaaa', 'aaaa', 'aaab', 'aaab', big('x'), big('y'), big('y'), 'aaab', 'aaa']) {
        writeFileSync(file, content);
        answers.push((await s.run('cat', [file])).stdout);
      }
      expect(answers).toEqual(['aaaa', 'aaaa', 'aaab', 'aaab', big('x'), big('y'), big('y'), 'aaab', 'aaa']);
      // The same bytes from another command line are that command's answer all the same.
      expect((await s.run('printf', ['aaa'])).stdout).toBe('aaa');
      expect((await s.run('sh', ['-c', 'printf aaa; exit 2'], { okCodes: [2] })).stdout).toBe('aaa');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives binary output byte for byte, as runCommand does, each answer a Buffer of its own', async () => {
    const s = server();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'porthole-spawn-'));
    const file = path.join(dir, 'out');
    try {
      // NULs, bytes that are not UTF-8, and a line that looks like an end marker.
      const content = Buffer.concat([Buffer.from([0, 255, 254, 10, 0x80, 13]), Buffer.from('\n0123456789abcdef 0\n'), Buffer.alloc(200_000, 7), Buffer.from([10])]);
      writeFileSync(file, content);
      const served = await s.run('cat', [file], { binary: true });
      const direct = await runCommand('cat', [file], { binary: true });
      expect(served.bytes!.equals(content)).toBe(true);
      expect(direct.bytes!.equals(content)).toBe(true);
      expect(served.stdout).toBe('');
      const again = await s.run('cat', [file], { binary: true });
      expect(again.bytes).not.toBe(served.bytes);
      expect(served.bytes!.equals(content)).toBe(true); // not overwritten by the next run
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs concurrent calls one after another, each with its own answer', async () => {
    const s = server();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => s.run('printf', [`%s\\n`, `answer ${i}`])));
    expect(answers.map((a) => a.stdout)).toEqual(Array.from({ length: 20 }, (_, i) => `answer ${i}\n`));
  });

  it('does not let a command read the commands that follow it', async () => {
    const s = server();
    const [reader, after] = await Promise.all([s.run('cat', []), s.run('printf', ['still here'])]);
    expect(reader.stdout).toBe('');
    expect(after.stdout).toBe('still here');
  });

  it('kills a command that runs too long, with runCommand words, and runs the next one', async () => {
    const s = server();
    await expect(s.run('sleep', ['30'], { timeoutMs: 200 })).rejects.toThrow('sleep 30 did not finish within 200 ms');
    expect((await s.run('printf', ['next'])).stdout).toBe('next');
  });

  it('cancels on an abort signal and runs the next one', async () => {
    const s = server();
    const controller = new AbortController();
    const running = s.run('sleep', ['30'], { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(running).rejects.toThrow('sleep 30 was cancelled');
    expect((await s.run('printf', ['next'])).stdout).toBe('next');
  });

  it('survives its shell being killed from outside', async () => {
    const s = server();
    await s.run('true', []);
    const shell = (s as unknown as { shell: { pid: number } }).shell;
    const running = s.run('sleep', ['30']);
    await new Promise((r) => setTimeout(r, 100));
    process.kill(-shell.pid, 'SIGKILL'); // the server's own shell, started by this test
    await expect(running).rejects.toThrow('the command shell exited unexpectedly');
    expect((await s.run('printf', ['after'])).stdout).toBe('after');
  });

  it('falls back to starting commands directly when there is no shell', async () => {
    const s = new SpawnServer('/nonexistent/sh');
    servers.push(s);
    expect((await s.run('printf', ['direct'])).stdout).toBe('direct');
  });
});
