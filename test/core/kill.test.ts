import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { readIdentity } from '../../main/core/identity.js';
import { signalSender, type KillSignal, type SignalResult } from '../../main/core/kill-signal.js';
import { executeKill, planKill, stopWords, type KillCandidate, type KillDeps, type KillPlan } from '../../main/core/kill.js';
import { engineLookup, type PortSocket } from '../../main/core/port-view.js';
import { PF_KTHREAD, readProcStat } from '../../main/core/procfs.js';
import { trialBind } from '../../main/core/trial-bind.js';
import { serveWithoutReuse } from './left-behind.js';
import { LONG_NAME, longNamedNode, spawnLab } from './socket-lab.js';
import { cleanup, isRunning, reapedPid, spawnHelper, spawnScript, waitFor } from './spawned.js';
import { leaveTimeWait } from './time-wait.js';

afterEach(cleanup);

/** A sender that records instead of signalling: for plans aimed at processes we must never touch. */
function recordingSender(): { calls: [number, KillSignal][]; sendSignal: KillDeps['sendSignal'] } {
  const calls: [number, KillSignal][] = [];
  return {
    calls,
    sendSignal: async (pid, signal): Promise<SignalResult> => {
      calls.push([pid, signal]);
      return { ok: true, how: 'recorded' };
    },
  };
}

/** A kernel thread's pid (kthreadd and its children), or null when the pid namespace hides them. */
function firstKernelThread(): number | null {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readProcStat(Number(name));
    if (stat && (stat.flags & PF_KTHREAD) !== 0) return stat.pid;
  }
  return null;
}

function handMadePlan(candidates: Partial<KillCandidate>[]): KillPlan {
  return {
    target: { pid: candidates[0]?.pid ?? 0 },
    tree: false,
    createdAt: Date.now(),
    candidates: candidates.map((c) => ({ pid: 0, name: 'x', startTime: 0, ppid: null, role: 'target', foundAt: 'plan', ports: [], ...c })),
    refusals: [],
    checks: [],
    notes: [],
    supervision: [],
    summary: '',
  };
}

// Real signals, /proc (kernel threads, fds) and python3 servers without SO_REUSEADDR: Linux's.
// Stopping real processes on macOS and Windows is in test/os.
describe.runIf(process.platform === 'linux')('kill, with real processes', () => {
  it('stops a listener that exits on SIGTERM and proves the port is free', async () => {
    const s = await spawnHelper({ host: '127.0.0.1' });
    const plan = await planKill({ port: s.port! });
    expect(plan.refusals).toEqual([]);
    expect(plan.candidates).toMatchObject([{ pid: s.pid, role: 'target', ports: [{ protocol: 'tcp', address: '127.0.0.1', port: s.port }] }]);
    expect(plan.checks).toEqual([{ protocol: 'tcp', address: '127.0.0.1', port: s.port }]);
    expect(plan.summary).toContain(`pid ${s.pid}`);

    const report = await executeKill(plan, { graceMs: 10_000 });
    expect(report.results).toMatchObject([{ pid: s.pid, outcome: 'exited', signal: 'SIGTERM' }]);
    expect(report.steps.filter((x) => x.kind === 'signal')).toMatchObject([{ pid: s.pid, signal: 'SIGTERM', delivered: true, how: `kill -TERM ${s.pid}` }]);
    expect(report.steps.some((x) => x.kind === 'exited' && x.pid === s.pid)).toBe(true);
    expect(report.portFree, report.ports.map((p) => p.message).join(' ')).toBe(true);
    expect(report.ports[0]!.message).toMatch(/is free/);
    expect(report.ok).toBe(true);
    expect(report.advice).toBeNull();
    expect(await s.exited).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('frees an IPv6 loopback port when IPv6 is available', async (ctx) => {
    let s;
    try {
      s = await spawnHelper({ host: '::1' });
    } catch {
      return ctx.skip();
    }
    const plan = await planKill({ port: s.port! });
    expect(plan.checks).toEqual([{ protocol: 'tcp', address: '::1', port: s.port }]);
    const report = await executeKill(plan);
    expect(report.portFree, report.ports.map((p) => p.message).join(' ')).toBe(true);
  });

  it('frees a UDP port', async () => {
    const s = await spawnHelper({ host: '127.0.0.1', udp: true });
    const plan = await planKill({ port: s.port!, protocol: 'udp' });
    expect(plan.candidates.map((c) => c.pid)).toEqual([s.pid]);
    const report = await executeKill(plan);
    expect(report.results[0]!.outcome).toBe('exited');
    expect(report.portFree, report.ports.map((p) => p.message).join(' ')).toBe(true);
  });

  it('calls it done when the server let go of the port and is still draining, and says --force would cut that short', async () => {
    const s = await spawnScript(
      "const srv = require('net').createServer().listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: srv.address().port }))); process.on('SIGTERM', () => { srv.close(); setTimeout(() => process.exit(0), 60_000); });",
    );
    const port = s.info.port as number;
    const report = await executeKill(await planKill({ port }), { graceMs: 500 });
    expect(report.results).toMatchObject([{ pid: s.pid, outcome: 'still-running', signal: 'SIGTERM' }]);
    expect(report.portFree).toBe(true);
    expect(report.ok).toBe(true);
    expect(report.advice).toBe('It has let go of the port and is still shutting down (finishing open connections, say); --force would cut that short.');
    expect(isRunning(s.child)).toBe(true);
  });

  it('without force, reports a process that ignores SIGTERM as still running', async () => {
    const s = await spawnHelper({ host: '127.0.0.1', ignoreTerm: true });
    const plan = await planKill({ port: s.port! });
    const report = await executeKill(plan, { graceMs: 500 });
    expect(report.results).toMatchObject([{ pid: s.pid, outcome: 'still-running', signal: 'SIGTERM' }]);
    expect(report.stillRunning).toEqual([s.pid]);
    expect(report.steps.filter((x) => x.kind === 'signal').map((x) => x.kind === 'signal' && x.signal)).toEqual(['SIGTERM']);
    expect(report.portFree).toBe(false);
    expect(report.ports[0]!.message).toContain('still running');
    expect(report.ok).toBe(false);
    expect(report.advice).toMatch(/--force/);
    expect(isRunning(s.child)).toBe(true);
  });

  it('with force, escalates to SIGKILL and frees the port', async () => {
    const s = await spawnHelper({ host: '127.0.0.1', ignoreTerm: true });
    const plan = await planKill({ port: s.port! });
    const report = await executeKill(plan, { force: true, graceMs: 500 });
    const signals = report.steps.filter((x) => x.kind === 'signal');
    expect(signals.map((x) => x.kind === 'signal' && [x.pid, x.signal])).toEqual([
      [s.pid, 'SIGTERM'],
      [s.pid, 'SIGKILL'],
    ]);
    expect(signals[1]!.at).toBeGreaterThanOrEqual(signals[0]!.at + 500);
    expect(report.results).toMatchObject([{ pid: s.pid, outcome: 'exited', signal: 'SIGKILL' }]);
    expect(report.portFree, report.ports.map((p) => p.message).join(' ')).toBe(true);
    expect(report.ok).toBe(true);
    expect(await s.exited).toEqual({ code: null, signal: 'SIGKILL' });
  });

  // Windows' case (kill-signal.ts): a console shared with unrelated programs gets no Ctrl+C, and
  // taskkill without /F has no window to close. Here the graceful step is refused the same way,
  // and SIGKILL is the real one.
  describe('when the graceful request cannot be made', () => {
    const refuseGraceful = (seen: { pid: number; startTime: number | undefined }[]): KillDeps['sendSignal'] => {
      const real = signalSender('linux');
      return async (pid, signal, expected) => {
        seen.push({ pid, startTime: expected?.startTime });
        if (signal === 'SIGKILL') return real(pid, signal);
        return { ok: false, how: 'Ctrl+C', code: 'FAILED', message: 'Ctrl+C was not sent: node (pid 1234) shares its console' };
      };
    };

    it('with force, goes to SIGKILL without waiting out a grace period nobody was asked to use', async () => {
      const s = await spawnHelper({ host: '127.0.0.1' });
      const plan = await planKill({ port: s.port! });
      const seen: { pid: number; startTime: number | undefined }[] = [];
      // A minute's grace: waited out, it would outlast this test's time limit.
      const report = await executeKill(plan, { force: true, graceMs: 60_000, deps: { sendSignal: refuseGraceful(seen) } });
      expect(seen).toEqual([
        { pid: s.pid, startTime: plan.candidates[0]!.startTime },
        { pid: s.pid, startTime: plan.candidates[0]!.startTime },
      ]);
      expect(report.steps.filter((x) => x.kind === 'signal')).toMatchObject([
        { signal: 'SIGTERM', delivered: false, error: expect.stringContaining('shares its console') },
        { signal: 'SIGKILL', delivered: true },
      ]);
      expect(report.results).toMatchObject([{ pid: s.pid, outcome: 'exited', signal: 'SIGKILL' }]);
      expect(report.portFree).toBe(true);
      expect(await s.exited).toEqual({ code: null, signal: 'SIGKILL' });
    });

    it('without force, says at once why it is still running, and advises --force', async () => {
      const s = await spawnHelper({ host: '127.0.0.1' });
      const plan = await planKill({ port: s.port! });
      // As on Windows, whose advice names its own forced stop.
      const report = await executeKill(plan, { graceMs: 60_000, deps: { sendSignal: refuseGraceful([]), platform: 'win32' } });
      expect(report.results).toMatchObject([{ pid: s.pid, outcome: 'still-running', signal: null }]);
      expect(report.results[0]!.message).toBe(
        `node (pid ${s.pid}) is still running: the request to stop it could not be made (Ctrl+C was not sent: node (pid 1234) shares its console).`,
      );
      expect(report.advice).toBe('Retry with --force to end it with taskkill /F, which it cannot refuse.');
      expect(isRunning(s.child)).toBe(true);
      // The app's toast has a button for it, not a flag (service.ts says so).
      const inApp = await executeKill(await planKill({ port: s.port! }), { graceMs: 60_000, forceWord: 'Force kill', deps: { sendSignal: refuseGraceful([]), platform: 'win32' } });
      expect(inApp.advice).toBe('Retry with Force kill to end it with taskkill /F, which it cannot refuse.');
    });
  });

  it('frees a port held by a socket bound to a device (127.0.0.1%lo), and proves it with a bind', async (ctx) => {
    // Node cannot set SO_BINDTODEVICE; python3 can. systemd-resolved's 127.0.0.53%lo:53 is such a socket.
    const python = spawnSync('python3', ['-c', 'import socket; socket.SO_BINDTODEVICE'], { stdio: 'ignore' });
    if (python.status !== 0) return ctx.skip('python3 is not available to bind a socket to a device');
    const script = [
      'import json, socket, time',
      's = socket.socket()',
      "s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b'lo')",
      "s.bind(('127.0.0.1', 0))",
      's.listen()',
      "print(json.dumps({'port': s.getsockname()[1]}), flush=True)",
      'time.sleep(1e6)',
    ].join('\n');
    const s = await spawnScript('', { execPath: 'python3', argv: ['-c', script] });
    const port = s.info.port as number;
    const plan = await planKill({ port });
    expect(plan.candidates.map((c) => c.pid)).toEqual([s.pid]);
    expect(plan.checks).toEqual([{ protocol: 'tcp', address: '127.0.0.1%lo', port }]);
    const report = await executeKill(plan, { graceMs: 10_000 });
    expect(report.results).toMatchObject([{ pid: s.pid, outcome: 'exited', signal: 'SIGTERM' }]);
    expect(report.ports.map((p) => p.message).join(' ')).toMatch(/is free/);
    expect(report.portFree).toBe(true);
  });

  it('says a stopped server without SO_REUSEADDR left its connections in the way, rather than blaming a hidden process', async () => {
    const server = await serveWithoutReuse();
    const port = server.info.port as number;
    const client = await spawnLab();
    const connected = await client.tcpConnect('c', '127.0.0.1', port);
    // Accepted, not just queued: a connection still in the accept queue is reset when the server
    // exits, and leaves nothing behind.
    await waitFor(async () =>
      (await engineLookup({ port })).sockets.some((s) => s.state === 'ESTABLISHED' && s.remotePort === connected.port && s.pids.includes(server.pid)),
    );
    const plan = await planKill({ port });
    expect(plan.candidates.map((c) => c.pid)).toEqual([server.pid]);
    const report = await executeKill(plan, { graceMs: 10_000 });
    expect(report.results).toMatchObject([{ pid: server.pid, outcome: 'exited' }]);
    // The server's end waits in FIN_WAIT2, or TIME_WAIT once the client closes too: either way, not free.
    expect(report.portFree).toBe(false);
    expect(report.ports[0]!.message).toMatch(
      new RegExp(`^:${port} is not free yet: 1 connection outlived the stopped server \\(1 (FIN_WAIT[12]|TIME_WAIT)\\), and as it did not set SO_REUSEADDR, every bind of :${port} fails until it ends: TIME_WAIT within about 60 s`),
    );
  });

  it('says a client connection left alone still uses the port, and how to stop it', async () => {
    // A client's connection whose local port is P: kill plans nothing for it, but the port is not free.
    const server = await spawnLab();
    const listening = await server.tcpListen('s', '127.0.0.1');
    const client = await spawnLab();
    const { port } = await client.tcpConnect('c', '127.0.0.1', listening.port);
    const plan = await planKill({ port });
    expect(plan.candidates).toEqual([]);
    expect(plan.notes.join(' ')).toMatch(/left alone/);
    const report = await executeKill(plan, {});
    expect(report.portFree).toBe(false);
    expect(report.ports[0]!.message).toBe(`:${port} is not free: node (pid ${client.pid}) has a connection whose local port is ${port}, which kill leaves alone; to free the port, stop it: porthole kill pid:${client.pid}.`);
  });

  it("names Windows' stop in its own words (Ctrl+C), and POSIX's as the signal", async () => {
    const real = signalSender('linux');
    // What windowsSignal reports for a Ctrl+C that went out; the stop itself is a real SIGTERM here.
    const asOnWindows: KillDeps['sendSignal'] = async (pid, signal) => ({ ...(await real(pid, signal)), how: `Ctrl+C in the console of pid ${pid}` });
    const a = await spawnHelper({ host: '127.0.0.1' });
    const viaCtrlC = await executeKill(await planKill({ port: a.port! }), { graceMs: 10_000, deps: { sendSignal: asOnWindows } });
    expect(viaCtrlC.results[0]!.message).toBe(`node (pid ${a.pid}) exited after Ctrl+C.`);
    const b = await spawnHelper({ host: '127.0.0.1' });
    const viaSignal = await executeKill(await planKill({ port: b.port! }), { graceMs: 10_000 });
    expect(viaSignal.results[0]!.message).toBe(`node (pid ${b.pid}) exited after SIGTERM.`);
    expect(stopWords('taskkill /PID 42 /F', 'SIGKILL')).toBe('taskkill /F');
    expect(stopWords('taskkill /PID 42', 'SIGTERM')).toBe('taskkill');
  });

  it('with --tree, stops the target and the child it spawned, parent first', async () => {
    const s = await spawnHelper({ host: '127.0.0.1', spawnChild: true });
    const plan = await planKill({ pid: s.pid }, { tree: true });
    expect(plan.candidates.map((c) => [c.pid, c.role])).toEqual([
      [s.pid, 'target'],
      [s.childPid, 'descendant'],
    ]);
    expect(plan.checks).toEqual([{ protocol: 'tcp', address: '127.0.0.1', port: s.port }]);
    const report = await executeKill(plan);
    expect(report.results.map((r) => [r.pid, r.outcome])).toEqual([
      [s.pid, 'exited'],
      [s.childPid, 'exited'],
    ]);
    const signalled = report.steps.filter((x) => x.kind === 'signal').map((x) => x.pid);
    expect(signalled).toEqual([s.pid, s.childPid]);
    expect(await readIdentity(s.childPid!)).toBeNull();
    expect(report.portFree, report.ports.map((p) => p.message).join(' ')).toBe(true);
  });

  it('without --tree, leaves the child alone', async () => {
    const s = await spawnHelper({ spawnChild: true });
    const plan = await planKill({ pid: s.pid });
    expect(plan.candidates.map((c) => c.pid)).toEqual([s.pid]);
    expect(plan.checks).toEqual([]);
    const report = await executeKill(plan);
    expect(report.results[0]!.outcome).toBe('exited');
    expect(report.portFree).toBeNull();
    expect(await readIdentity(s.childPid!)).not.toBeNull();
  });

  it('treats a process that exited on its own between plan and execution as success', async () => {
    const s = await spawnHelper({ host: '127.0.0.1' });
    const plan = await planKill({ port: s.port! });
    s.child.kill('SIGKILL');
    await s.exited;
    await waitFor(async () => (await readIdentity(s.pid)) === null);
    const report = await executeKill(plan);
    expect(report.results).toMatchObject([{ pid: s.pid, outcome: 'already-gone', signal: null }]);
    expect(report.steps.some((x) => x.kind === 'signal')).toBe(false);
    expect(report.portFree, report.ports.map((p) => p.message).join(' ')).toBe(true);
    expect(report.ok).toBe(true);
  });

  it('refuses a pid whose start time changed since the plan (pid reuse), without signalling', async () => {
    const s = await spawnHelper({ host: '127.0.0.1' });
    const plan = await planKill({ pid: s.pid });
    plan.candidates[0]!.startTime -= 10_000; // as if the planned process died and its pid was reused
    const report = await executeKill(plan, { graceMs: 200 });
    expect(report.results).toMatchObject([{ pid: s.pid, outcome: 'refused', reason: 'identity-changed' }]);
    expect(report.results[0]!.message).toMatch(/reused/);
    expect(report.steps.some((x) => x.kind === 'signal')).toBe(false);
    expect(report.portFree).toBe(false);
    expect(isRunning(s.child)).toBe(true);
    expect(await readIdentity(s.pid)).not.toBeNull();
  });

  it('stops waiting when cancelled, and sends nothing more', async () => {
    const s = await spawnHelper({ host: '127.0.0.1', ignoreTerm: true });
    const plan = await planKill({ port: s.port! });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const report = await executeKill(plan, { force: true, graceMs: 20_000, signal: controller.signal });
    // Had the abort not cut the 20 s grace short, --force would have escalated to SIGKILL.
    expect(report.aborted).toBe(true);
    expect(report.steps.filter((x) => x.kind === 'signal').map((x) => x.kind === 'signal' && x.signal)).toEqual(['SIGTERM']);
    expect(report.results[0]!.outcome).toBe('still-running');
    expect(report.results[0]!.message).toBe(`node (pid ${s.pid}) is still running: cancelled while waiting for it to exit after SIGTERM.`);
    expect(report.portFree).toBeNull();
    expect(report.ok).toBe(false);
  });

  it('notes TIME_WAIT connections on a port nobody holds, in words that agree with their count', async () => {
    const port = await leaveTimeWait();
    const plan = await planKill({ port });
    expect(plan.candidates).toEqual([]);
    expect(plan.summary).toBe(`Nothing to stop: no process holds :${port}.`);
    const note = plan.notes.find((n) => n.includes('TIME_WAIT'));
    expect(note).toMatch(/^(1 connection on :\d+ is in TIME_WAIT: owned by no process, it expires|\d+ connections on :\d+ are in TIME_WAIT: owned by no process, they expire)/);
  });

  it('plans nothing for a port nobody holds, and confirms it is free', async () => {
    const held = await spawnHelper({ host: '127.0.0.1' });
    const port = held.port!;
    held.child.kill('SIGKILL');
    await held.exited;
    const plan = await planKill({ port, protocol: 'tcp' });
    expect(plan.candidates).toEqual([]);
    expect(plan.checks).toEqual([{ protocol: 'tcp', address: null, port }]);
    expect(plan.refusals).toEqual([]);
    // Said once, in the summary: no note repeats it.
    expect(plan.summary).toBe(`Nothing to stop: no process holds :${port} (TCP).`);
    expect(plan.notes).toEqual([]);
    const report = await executeKill(plan);
    expect(report.results).toEqual([]);
    expect(report.portFree, report.ports.map((p) => p.message).join(' ')).toBe(true);
  });
});

describe.runIf(process.platform === 'linux')('refusals', () => {
  const refusalOf = async (pid: number) => {
    const plan = await planKill({ pid });
    expect(plan.candidates).toEqual([]);
    expect(plan.refusals).toHaveLength(1);
    return plan.refusals[0]!;
  };

  it('refuses pid 0, pid 1, negatives, NaN and fractions', async () => {
    expect(await refusalOf(0)).toMatchObject({ reason: 'invalid-pid', message: expect.stringMatching(/process group/) });
    expect(await refusalOf(1)).toMatchObject({ pid: 1, reason: 'init' });
    expect(await refusalOf(-1)).toMatchObject({ reason: 'invalid-pid', message: expect.stringMatching(/every process/) });
    expect(await refusalOf(-1234)).toMatchObject({ reason: 'invalid-pid', message: expect.stringMatching(/group 1234/) });
    expect(await refusalOf(Number.NaN)).toMatchObject({ reason: 'invalid-pid' });
    expect(await refusalOf(1.5)).toMatchObject({ reason: 'invalid-pid' });
    expect(await refusalOf(Number.POSITIVE_INFINITY)).toMatchObject({ reason: 'invalid-pid' });
  });

  it('refuses this process and its parent (an ancestor)', async () => {
    expect(await refusalOf(process.pid)).toMatchObject({ pid: process.pid, reason: 'self' });
    expect(await refusalOf(process.ppid)).toMatchObject({ pid: process.ppid, reason: 'ancestor' });
  });

  describe('names the processes it shows by their full names', () => {
    let tmp: string | undefined;
    afterAll(() => {
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    });

    it('a pid target without sockets, and a refused one', async () => {
      tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'porthole-kill-')));
      const lab = await spawnLab({ execPath: longNamedNode(tmp) });
      const plan = await planKill({ pid: lab.pid });
      expect(plan.candidates).toMatchObject([{ pid: lab.pid, name: LONG_NAME }]);
      expect(plan.summary).toContain(`${LONG_NAME} (pid ${lab.pid})`);
      // As if Porthole were that process: it is then "self", never signalled, and named.
      const asSelf = await planKill({ pid: lab.pid }, { deps: { selfPid: lab.pid } });
      expect(asSelf.refusals).toMatchObject([{ reason: 'self', message: `${LONG_NAME} (pid ${lab.pid}) is Porthole itself.` }]);
      expect(isRunning(lab.child)).toBe(true);
    });

    it('init and the process that started Porthole', async () => {
      for (const [pid, reason] of [[1, 'init'], [process.ppid, 'ancestor']] as const) {
        const refusal = await refusalOf(pid);
        expect(refusal.reason).toBe(reason);
        // A name from /proc, or the bare pid if it hides even that: never a placeholder.
        expect(refusal.message).toMatch(new RegExp(`^(\\S[^(]* \\(pid ${pid}\\)|pid ${pid}) `));
        expect(refusal.message).not.toMatch(/unknown/);
      }
    });
  });

  it('refuses a pid that does not exist', async () => {
    const pid = await reapedPid();
    if (existsSync(`/proc/${pid}`)) return; // reused already: nothing safe to assert
    expect(await refusalOf(pid)).toMatchObject({ pid, reason: 'not-found' });
  });

  it('refuses a kernel thread, when planning and again right before the signal', async (ctx) => {
    const kthread = firstKernelThread();
    if (kthread === null) return ctx.skip('no kernel thread is visible in this pid namespace');
    const refusal = await refusalOf(kthread);
    expect(refusal).toMatchObject({ pid: kthread, reason: 'os-critical', message: expect.stringMatching(/is a kernel thread: it ignores signals/) });
    // A plan made elsewhere (or before the check existed) still signals nothing.
    const id = (await readIdentity(kthread))!;
    expect(id.kernelThread).toBe(true);
    const { calls, sendSignal } = recordingSender();
    const report = await executeKill(handMadePlan([{ pid: kthread, name: id.name, startTime: id.startTime }]), { deps: { sendSignal }, graceMs: 0 });
    expect(calls).toEqual([]);
    expect(report.results).toMatchObject([{ pid: kthread, outcome: 'refused', reason: 'os-critical' }]);
    expect((await readIdentity(process.pid))!.kernelThread).toBe(false);
  });

  it('refuses bad ports', async () => {
    for (const port of [0, -1, 65536, 1.5, Number.NaN]) {
      const plan = await planKill({ port });
      expect(plan.refusals).toMatchObject([{ reason: 'invalid-port' }]);
    }
  });

  it('re-checks at execution: a hand-made plan naming forbidden pids signals nothing', async () => {
    const { calls, sendSignal } = recordingSender();
    const plan = handMadePlan([{ pid: 0 }, { pid: 1 }, { pid: -1 }, { pid: Number.NaN }, { pid: process.pid, name: 'vitest-worker' }, { pid: process.ppid }]);
    const report = await executeKill(plan, { deps: { sendSignal }, graceMs: 0 });
    expect(calls).toEqual([]);
    expect(report.results[4]!.message).toBe(`vitest-worker (pid ${process.pid}) is Porthole itself.`);
    expect(report.results.map((r) => r.outcome)).toEqual(Array(6).fill('refused'));
    expect(report.results.map((r) => r.reason)).toEqual(['invalid-pid', 'init', 'invalid-pid', 'invalid-pid', 'self', 'ancestor']);
    expect(report.ok).toBe(false);
  });

  it('names hidden owners of a port and refuses them', async () => {
    const hidden: PortSocket = {
      protocol: 'tcp',
      family: 4,
      localAddress: '0.0.0.0',
      localPort: 4321,
      remoteAddress: null,
      remotePort: null,
      state: 'LISTEN',
      v6Only: null,
      pids: [],
      owner: 'hidden',
      hiddenReason: "It belongs to another user's process; run Porthole as root (sudo) to see which.",
    };
    const { calls, sendSignal } = recordingSender();
    const deps = { sockets: async () => ({ sockets: [hidden] }), sendSignal, trialBind: async () => ({ ok: false as const, code: 'EADDRINUSE', message: 'in use' }) };
    const plan = await planKill({ port: 4321 }, { deps });
    expect(plan.candidates).toEqual([]);
    expect(plan.refusals).toMatchObject([{ pid: null, reason: 'hidden-owner' }]);
    expect(plan.refusals[0]!.message).toMatch(/TCP 0\.0\.0\.0:4321 .*cannot see.*sudo/);
    const report = await executeKill(plan, { deps });
    expect(calls).toEqual([]);
    expect(report.portFree).toBe(false);
    expect(report.advice).toMatch(/sudo/);
  });

  it('reports a failed socket lookup as a refusal, not an exception', async () => {
    const plan = await planKill({ port: 4321 }, { deps: { sockets: () => Promise.reject(new Error('ss is not installed')) } });
    expect(plan.refusals).toMatchObject([{ reason: 'lookup-failed', message: expect.stringContaining('ss is not installed') }]);
  });
});
