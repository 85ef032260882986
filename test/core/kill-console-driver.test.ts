// The Ctrl+C helper's driver (kill-console-win32.ts) against real child processes that speak the
// helper's lines. PowerShell and the console API exist only on Windows (test/os runs them there);
// what this checks everywhere is the driver: it holds the helper at READY, answers GO only when the
// console is safe, and turns a helper that fails, hangs, or talks nonsense into a clear result.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ctrlCThroughConsole, type ConsoleHelperCommand } from '../../main/core/kill-console-win32.js';
import { waitFor } from './spawned.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'porthole-ctrlc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = 1_763_700_000_000;
const TARGET = { pid: 4242, startTime: T0 };

// A stand-in for the PowerShell helper: prints what `mode` says, records what it read from stdin.
const FAKE = `
const [mode, record] = process.argv.slice(1);
const fs = require('fs');
fs.writeFileSync(record + '.pid', String(process.pid));
const say = (...lines) => process.stdout.write(lines.map((l) => l + '\\r\\n').join(''));
const table = ['SELF ' + process.pid, '4242|4000|${T0}|C:\\\\node.exe|node.exe', '4000|1|${T0 - 5}||cmd.exe', '5000|1|${T0 + 9}||python.exe'];
const afterReady = () => {
  let got = '';
  process.stdin.on('data', (d) => (got += d));
  process.stdin.on('end', () => {
    fs.writeFileSync(record, got);
    if (got === 'GO\\n') say(mode === 'notsent' ? 'NOTSENT 87' : 'SENT');
  });
};
if (mode === 'alone' || mode === 'notsent') { say(...table, 'CONSOLE 4242 4000 ' + process.pid, 'READY'); afterReady(); }
else if (mode === 'shared') { say(...table, 'CONSOLE 4242 5000 ' + process.pid, 'READY'); afterReady(); }
else if (mode === 'noconsole') { say(...table, 'NOCONSOLE 6'); }
else if (mode === 'trickle') {
  const text = [...table, 'CONSOLE 4242 ' + process.pid, 'READY'].map((l) => l + '\\n').join('');
  let i = 0;
  const next = () => { if (i < text.length) { process.stdout.write(text.slice(i, i += 7)); setTimeout(next, 2); } else afterReady(); };
  next();
}
else if (mode === 'garbage') { say('WARNING: policy', '%%%', 'READY'); afterReady(); }
else if (mode === 'fail') {
  process.stderr.write('#< CLIXML\\r\\n<Objs Version="1.1.0.1"><S S="Error">Add-Type : Cannot add type._x000D__x000A_</S></Objs>');
  process.exit(1);
}
else if (mode === 'hang') { say('SELF ' + process.pid); setInterval(() => {}, 1000); }
`;

function fake(mode: string): { helper: ConsoleHelperCommand; record: string } {
  const record = path.join(dir, `${mode}-${Math.random().toString(36).slice(2)}`);
  return { helper: { command: process.execPath, args: ['-e', FAKE, mode, record] }, record };
}

describe('ctrlCThroughConsole, with a real helper process', () => {
  it('answers GO when only kin share the console, and reports the Ctrl+C as sent', async () => {
    const { helper, record } = fake('alone');
    const result = await ctrlCThroughConsole(TARGET, { helper });
    expect(result).toEqual({ kind: 'sent', how: 'Ctrl+C in the console of pid 4242 (cmd.exe (pid 4000) on that console gets it too, as from a Ctrl+C typed there)' });
    expect(readFileSync(record, 'utf8')).toBe('GO\n');
  });

  it('answers NO when an unrelated program shares the console, and says who', async () => {
    const { helper, record } = fake('shared');
    const result = await ctrlCThroughConsole(TARGET, { helper });
    expect(result).toMatchObject({ kind: 'declined', verdict: { send: false, reason: 'shared', message: expect.stringContaining('python.exe (pid 5000)') } });
    expect(readFileSync(record, 'utf8')).toBe('NO\n');
  });

  it('answers NO to a pid that now belongs to another process', async () => {
    const { helper, record } = fake('alone');
    const result = await ctrlCThroughConsole({ pid: 4242, startTime: T0 + 1 }, { helper });
    expect(result).toMatchObject({ kind: 'declined', verdict: { reason: 'reused' } });
    expect(readFileSync(record, 'utf8')).toBe('NO\n');
  });

  it('answers NO when Porthole itself, or what started it, is on that console', async () => {
    const { helper, record } = fake('alone');
    // As if this test were pid 4000, the cmd.exe that started the target in that console.
    expect(await ctrlCThroughConsole(TARGET, { helper, selfPid: 4000 })).toMatchObject({ kind: 'declined', verdict: { reason: 'shared', message: expect.stringContaining('Porthole itself (pid 4000)') } });
    expect(readFileSync(record, 'utf8')).toBe('NO\n');
  });

  it('waits for whole lines when the helper writes in small pieces', async () => {
    const { helper, record } = fake('trickle');
    expect(await ctrlCThroughConsole(TARGET, { helper })).toEqual({ kind: 'sent', how: 'Ctrl+C in the console of pid 4242' });
    expect(readFileSync(record, 'utf8')).toBe('GO\n');
  });

  it('reports a target without a console, for the caller to ask its windows instead', async () => {
    const { helper } = fake('noconsole');
    expect(await ctrlCThroughConsole(TARGET, { helper })).toMatchObject({ kind: 'declined', verdict: { reason: 'no-console' } });
  });

  it('sends nothing on output it cannot read', async () => {
    const { helper, record } = fake('garbage');
    expect(await ctrlCThroughConsole(TARGET, { helper })).toMatchObject({ kind: 'declined', verdict: { reason: 'incomplete' } });
    expect(readFileSync(record, 'utf8')).toBe('NO\n');
  });

  it("turns the helper's failures into a clear message", async () => {
    expect(await ctrlCThroughConsole(TARGET, { helper: fake('fail').helper })).toEqual({ kind: 'failed', message: 'the console helper failed: Add-Type : Cannot add type.' });
    expect(await ctrlCThroughConsole(TARGET, { helper: fake('notsent').helper })).toEqual({ kind: 'failed', message: 'Windows refused to generate the Ctrl+C (Windows error 87)' });
    const missing = await ctrlCThroughConsole(TARGET, { helper: { command: path.join(dir, 'no-such-powershell'), args: [] } });
    expect(missing).toMatchObject({ kind: 'failed', message: expect.stringMatching(/^could not start .*no-such-powershell: .*ENOENT/) });
  });

  it('gives up on a helper that hangs, and stops it', async () => {
    const { helper, record } = fake('hang');
    const result = await ctrlCThroughConsole(TARGET, { helper, timeoutMs: 500 });
    expect(result).toEqual({ kind: 'failed', message: 'the console helper did not answer within 500 ms' });
    const pid = Number(readFileSync(`${record}.pid`, 'utf8'));
    await waitFor(() => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    });
  });
});
