// Killing a server that something starts again: real supervisors, real restarts. `node --watch`
// restarts on a saved file; runit's runsv (installed by .ci/run) restarts as soon as it exits.
import { execFileSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { executeKill, planKill } from '../../main/core/kill.js';
import { trialBind } from '../../main/core/trial-bind.js';
import { readIdentity } from '../../main/core/identity.js';
import { adopt, cleanup, killIfSame, spawnScriptOnce, waitFor, withOwnPort } from './spawned.js';
import { removeServerFolders, serverFolder, spawnWatchedServer } from './watched-server.js';

afterEach(cleanup);
afterAll(removeServerFolders);

function hasProgram(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.runIf(process.platform === 'linux')('kill, when something starts the server again', () => {
  it('names `node --watch` as what would restart the server, and frees the port (it waits for a file change)', async () => {
    const { watcher, server } = await spawnWatchedServer();
    const plan = await planKill({ port: server.port });
    expect(plan.candidates.map((c) => c.pid)).toEqual([server.pid]);
    expect(plan.supervision).toEqual([
      {
        kind: 'watcher',
        by: `node --watch (pid ${watcher.pid})`,
        restarts: 'change',
        stop: `porthole kill pid:${watcher.pid} --tree`,
        pid: watcher.pid,
        pids: [server.pid],
        text: `node --watch (pid ${watcher.pid}) starts node (pid ${server.pid}) again when a file changes. To stop both:`,
      },
    ]);

    const report = await executeKill(plan);
    // A watcher restarts on the next save, not on exit: no wait before the check.
    expect(report.steps.some((s) => s.kind === 'restart-watch')).toBe(false);
    expect(report.portFree, report.summary).toBe(true);
    expect(report.advice).toBeNull();
  });

  it('has nothing to say when the plan stops the watcher too', async () => {
    const { watcher, server } = await spawnWatchedServer();
    const plan = await planKill({ pid: watcher.pid }, { tree: true });
    expect(plan.candidates.map((c) => c.pid)).toEqual([watcher.pid, server.pid]);
    expect(plan.supervision).toEqual([]);
    const report = await executeKill(plan);
    expect(report.portFree, report.summary).toBe(true);
    expect((await trialBind({ protocol: 'tcp', address: '127.0.0.1', port: server.port })).ok).toBe(true);
  });

  it.runIf(hasProgram('runsv'))('catches runsv starting the server again, and its advice frees the port for good', async () => {
    // Each attempt gets a fresh service folder: the server keeps its port in ./port across restarts.
    const { runsv, service } = await withOwnPort(
      async () => {
        const service = serverFolder('runsv');
        writeFileSync(path.join(service, 'run'), `#!/bin/sh\nexec "${process.execPath}" server.js\n`);
        chmodSync(path.join(service, 'run'), 0o755);
        const runsv = await spawnScriptOnce('', { execPath: 'runsv', argv: [service] });
        const first = runsv.info as { port: number; pid: number };
        return { runsv, service, first, identity: await readIdentity(first.pid) };
      },
      ({ first }) => first.port,
      async ({ runsv, service, first, identity }) => {
        execFileSync('sv', ['down', service], { stdio: 'ignore' });
        runsv.child.kill('SIGKILL');
        await runsv.exited;
        await killIfSame(identity);
      },
    );
    try {
      await killRestartedServer(runsv.pid, runsv.info as { port: number; pid: number }, service);
    } finally {
      // Whatever happened above, runsv must not start the server again while cleanup() kills it.
      execFileSync('sv', ['down', service], { stdio: 'ignore' });
    }
  });
});

/** The runsv test proper: plan, kill, see the restart, follow the advice. */
async function killRestartedServer(runsvPid: number, first: { port: number; pid: number }, service: string): Promise<void> {
  await adopt(first.pid);

  const plan = await planKill({ port: first.port });
  expect(plan.supervision).toMatchObject([{ kind: 'process-manager', by: `runsv (pid ${runsvPid})`, restarts: 'exit', stop: `sv down ${service}`, pids: [first.pid] }]);
  expect(`${plan.supervision[0]!.text} ${plan.supervision[0]!.stop}`).toBe(`runsv (pid ${runsvPid}) starts node (pid ${first.pid}) again as soon as it exits. To stop it for good: sv down ${service}`);

  const report = await executeKill(plan);
  expect(report.results).toMatchObject([{ pid: first.pid, outcome: 'exited' }]);
  const watch = report.steps.find((s) => s.kind === 'restart-watch');
  expect(watch).toMatchObject({ kind: 'restart-watch', by: `runsv (pid ${runsvPid})` });
  const second = (watch as { pid: number | null }).pid;
  expect(second).not.toBeNull();
  expect(second).not.toBe(first.pid);
  await adopt(second!);

  expect(report.portFree).toBe(false);
  expect(report.ok).toBe(false);
  expect(report.ports[0]!.message).toContain(`(pid ${second}), which was not in the plan: runsv (pid ${runsvPid}) started it again`);
  expect(report.ports[0]!.restartedBy).toEqual({ by: `runsv (pid ${runsvPid})`, stop: `sv down ${service}` });
  expect(report.advice).toBe(`Started again by runsv (pid ${runsvPid}). To stop it for good: sv down ${service}`);

  // The advice, run as given, is what frees the port.
  execFileSync('sh', ['-c', `sv down ${service}`], { stdio: 'ignore' });
  await waitFor(async () => (await trialBind({ protocol: 'tcp', address: '127.0.0.1', port: first.port })).ok);
  // A slow restart would have shown here.
  const after = await planKill({ port: first.port });
  expect(after.candidates).toEqual([]);
}
