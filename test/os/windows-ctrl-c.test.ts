// Windows only (CI's windows-latest runner): the graceful stop for console programs is a Ctrl+C on
// their console, sent only when nothing unrelated shares it (kill-console.ts). Each server here is
// started in a console window of its own, as a terminal would, through PowerShell's Start-Process.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodePowerShell, psQuote } from '../../main/core/elevate/quote.js';
import { readIdentity } from '../../main/core/identity.js';
import { executeKill, planKill } from '../../main/core/kill.js';
import { windowsTool } from '../../main/core/windows-tools.js';
import { eventually } from './listener.js';

/** Processes these tests started (directly or through their own children), with their start times. */
const started: { pid: number; startTime: number }[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const p of started.splice(0)) {
    const now = await readIdentity(p.pid);
    if (now && now.startTime === p.startTime) process.kill(p.pid, 'SIGKILL');
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
});

// A server that says it stopped gracefully: on SIGINT (Node's name for Ctrl+C) it writes a file.
// Info files are written whole, then renamed into place: a reader never sees half of one.
const SERVER = `
const fs = require('fs');
const [info, bye] = process.argv.slice(2);
const srv = require('net').createServer();
const publish = (file, value) => { fs.writeFileSync(file + '.tmp', JSON.stringify(value)); fs.renameSync(file + '.tmp', file); };
srv.listen(0, '127.0.0.1', () => publish(info, { pid: process.pid, port: srv.address().port }));
process.on('SIGINT', () => { fs.writeFileSync(bye, 'SIGINT'); srv.close(() => process.exit(0)); });
setInterval(() => {}, 1e6);
`;

// A parent that runs the server and an unrelated sibling in its own console (stdio inherited).
const PARENT = `
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const [info] = process.argv.slice(2);
const dir = path.dirname(info);
const server = spawn(process.execPath, [path.join(dir, 'server.js'), path.join(dir, 'server.json'), path.join(dir, 'bye')], { stdio: 'inherit' });
const sibling = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e6)'], { stdio: 'inherit' });
const wait = setInterval(() => {
  if (!fs.existsSync(path.join(dir, 'server.json'))) return;
  clearInterval(wait);
  const s = JSON.parse(fs.readFileSync(path.join(dir, 'server.json'), 'utf8'));
  fs.writeFileSync(info + '.tmp', JSON.stringify({ ...s, parent: process.pid, sibling: sibling.pid }));
  fs.renameSync(info + '.tmp', info);
}, 50);
setInterval(() => {}, 1e6);
`;

/** Run `script` in a new, minimized console window; resolve with what it writes to its info file. */
async function inOwnConsole<T extends { pid: number }>(script: string): Promise<{ dir: string; info: T }> {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'porthole-ctrlc-')));
  dirs.push(dir);
  writeFileSync(path.join(dir, 'server.js'), SERVER);
  writeFileSync(path.join(dir, 'main.js'), script);
  const infoFile = path.join(dir, 'info.json');
  const args = script === SERVER ? [path.join(dir, 'server.js'), infoFile, path.join(dir, 'bye')] : [path.join(dir, 'main.js'), infoFile];
  // Ctrl+C handling is inherited: if whatever started this test ignores it, let the server not.
  const starter = [
    `Add-Type -Namespace PortholeTest -Name Ctrl -MemberDefinition '[DllImport("kernel32.dll")] public static extern bool SetConsoleCtrlHandler(IntPtr handler, bool add);'`,
    '[void][PortholeTest.Ctrl]::SetConsoleCtrlHandler([IntPtr]::Zero, $false)',
    `(Start-Process -FilePath ${psQuote(process.execPath)} -ArgumentList ${psQuote(args.map((a) => `"${a}"`).join(' '))} -WindowStyle Minimized -PassThru).Id`,
  ].join('\n');
  const first = Number(execFileSync(windowsTool('powershell'), ['-NoProfile', '-NonInteractive', '-EncodedCommand', encodePowerShell(starter)], { encoding: 'utf8' }).trim());
  await track(first);
  const info = await eventually(async () => (existsSync(infoFile) ? (JSON.parse(readFileSync(infoFile, 'utf8')) as T) : undefined), `${infoFile} from pid ${first}`);
  return { dir, info };
}

async function track(pid: number): Promise<void> {
  const id = await readIdentity(pid);
  if (id) started.push({ pid, startTime: id.startTime });
}

// Each test starts several PowerShells (about a second each on a cold runner) and compiles C# twice.
describe.runIf(process.platform === 'win32')('Windows: Ctrl+C is the graceful stop for a console program', { timeout: 120_000 }, () => {
  it('stops a server alone in its console with Ctrl+C, and its own SIGINT handler runs', async () => {
    const { dir, info } = await inOwnConsole<{ pid: number; port: number }>(SERVER);
    const plan = await planKill({ port: info.port });
    expect(plan.candidates.map((c) => c.pid)).toEqual([info.pid]);
    const report = await executeKill(plan, { graceMs: 10_000 });
    expect(report.steps.filter((s) => s.kind === 'signal')).toMatchObject([{ pid: info.pid, signal: 'SIGTERM', delivered: true, how: `Ctrl+C in the console of pid ${info.pid}` }]);
    expect(report.results).toMatchObject([{ pid: info.pid, outcome: 'exited', signal: 'SIGTERM' }]);
    expect(readFileSync(path.join(dir, 'bye'), 'utf8'), 'the server stopped through its SIGINT handler').toBe('SIGINT');
    expect(report.portFree).toBe(true);
  });

  it('sends no Ctrl+C to a console an unrelated program shares, and says which; --force remains', async () => {
    const { info } = await inOwnConsole<{ pid: number; port: number; parent: number; sibling: number }>(PARENT);
    await track(info.pid);
    await track(info.sibling);
    const plan = await planKill({ port: info.port });
    expect(plan.candidates.map((c) => c.pid)).toEqual([info.pid]);
    const report = await executeKill(plan, { graceMs: 10_000 });
    expect(report.steps.filter((s) => s.kind === 'signal')).toMatchObject([
      { pid: info.pid, signal: 'SIGTERM', delivered: false, error: expect.stringMatching(new RegExp(`^Ctrl\\+C was not sent: .*\\(pid ${info.sibling}\\)`)) },
    ]);
    expect(report.results).toMatchObject([{ pid: info.pid, outcome: 'still-running' }]);
    expect(report.advice).toMatch(/--force/);
    expect((await readIdentity(info.sibling))?.pid, 'the sibling on that console was left alone').toBe(info.sibling);

    const forced = await executeKill(await planKill({ port: info.port }), { force: true, graceMs: 10_000 });
    expect(forced.results).toMatchObject([{ pid: info.pid, outcome: 'exited', signal: 'SIGKILL' }]);
    expect(forced.portFree).toBe(true);
  });
});
