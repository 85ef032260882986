// The processes an OS cannot do without. Windows and macOS can't run here, so their plans are made
// with the OS's answers supplied (the readers' own parsers are tested in identity.test.ts); the
// Linux kernel thread is refused for real in kill.test.ts.
import { describe, expect, it } from 'vitest';
import { criticalRefusal } from '../../main/core/kill-critical.js';
import type { KillDeps } from '../../main/core/kill-types.js';
import type { ProcessIdentity } from '../../main/core/identity-types.js';
import { executeKill, planKill } from '../../main/core/kill.js';
import type { PortSocket } from '../../main/core/port-view.js';

const SYSTEM32 = 'C:\\Windows\\System32';

describe('criticalRefusal', () => {
  it('refuses Windows System (pid 4) and says what to stop instead, even with no name to go by', () => {
    for (const name of ['System', undefined]) {
      const r = criticalRefusal('win32', 4, { name });
      expect(r).toMatchObject({ pid: 4, reason: 'os-critical' });
      expect(r!.message).toMatch(/^System \(pid 4\) is the Windows kernel.*HTTP\.sys.*`netsh http show servicestate`/);
    }
    // pid 4 is an ordinary process elsewhere.
    expect(criticalRefusal('linux', 4, { name: 'kworker/0:0' })).toBeNull();
    expect(criticalRefusal('darwin', 4, { name: 'node' })).toBeNull();
  });

  it('refuses the processes Windows crashes or restarts without, whatever their case', () => {
    for (const name of ['smss.exe', 'csrss.exe', 'wininit.exe', 'winlogon.exe', 'services.exe', 'lsass.exe', 'LSASS.EXE', 'LsaIso.exe']) {
      const r = criticalRefusal('win32', 700, { name, exe: `${SYSTEM32}\\${name}` });
      expect(r, name).toMatchObject({ pid: 700, reason: 'os-critical', message: `${name} (pid 700) is a critical Windows process: ending it crashes Windows (a blue screen) or forces a restart.` });
    }
    // Not elevated, CIM hides a protected process's path: the name alone decides, on the safe side.
    expect(criticalRefusal('win32', 700, { name: 'lsass.exe', exe: null })?.reason).toBe('os-critical');
  });

  it('sends svchost.exe to the one service behind the port', () => {
    const r = criticalRefusal('win32', 1234, { name: 'svchost.exe', exe: `${SYSTEM32}\\svchost.exe` });
    expect(r!.message).toContain('`tasklist /svc /fi "PID eq 1234"`');
    expect(r!.message).toContain('`sc stop NAME`');
    expect(criticalRefusal('win32', 1234, { name: 'svchost.exe', exe: 'C:\\Windows\\SysWOW64\\svchost.exe' })?.reason).toBe('os-critical');
  });

  it('lets a namesake outside the system folder be stopped: it is somebody\'s own program', () => {
    expect(criticalRefusal('win32', 900, { name: 'svchost.exe', exe: 'C:\\Users\\dev\\AppData\\Local\\Temp\\svchost.exe' })).toBeNull();
    expect(criticalRefusal('win32', 900, { name: 'lsass.exe', exe: 'C:\\Windows\\System32\\drivers\\lsass.exe' })).toBeNull();
    expect(criticalRefusal('darwin', 900, { name: 'WindowServer', exe: '/Users/dev/bin/WindowServer' })).toBeNull();
    expect(criticalRefusal('win32', 900, { name: 'node.exe', exe: 'C:\\Program Files\\nodejs\\node.exe' })).toBeNull();
  });

  it('refuses the macOS login session', () => {
    const exe = '/System/Library/PrivateFrameworks/SkyLight.framework/Resources/WindowServer';
    expect(criticalRefusal('darwin', 160, { name: 'WindowServer', exe })!.message).toBe('WindowServer (pid 160) runs the macOS login session: ending it logs you out and closes every app without saving.');
    expect(criticalRefusal('darwin', 161, { name: 'loginwindow', exe: '/System/Library/CoreServices/loginwindow.app/Contents/MacOS/loginwindow' })?.reason).toBe('os-critical');
    expect(criticalRefusal('darwin', 162, { name: 'ControlCenter', exe: '/System/Library/CoreServices/ControlCenter.app/Contents/MacOS/ControlCenter' })).toBeNull();
  });

  it('refuses a Linux kernel thread and nothing else by name', () => {
    expect(criticalRefusal('linux', 2, { name: 'kthreadd', kernelThread: true })!.message).toMatch(/^kthreadd \(pid 2\) is a kernel thread/);
    expect(criticalRefusal('linux', 2, { name: 'kthreadd', kernelThread: false })).toBeNull();
    expect(criticalRefusal('linux', 812, { name: 'systemd-resolve' })).toBeNull();
    expect(criticalRefusal('linux', 812, { kernelThread: true })!.message).toMatch(/^pid 812 is a kernel thread/);
  });
});

describe('a Windows plan', () => {
  const listener = (port: number, pids: number[]): PortSocket => ({
    protocol: 'tcp',
    family: 4,
    localAddress: '0.0.0.0',
    localPort: port,
    remoteAddress: null,
    remotePort: null,
    state: 'LISTEN',
    v6Only: null,
    pids,
    owner: 'known',
  });
  const windows = (identities: ProcessIdentity[], sockets: PortSocket[], names: Record<number, string>) => {
    const signalled: number[] = [];
    const deps: Partial<KillDeps> = {
      platform: 'win32',
      sockets: async () => ({ sockets, processes: new Map(Object.entries(names).map(([pid, name]) => [Number(pid), { name }])) }),
      // CIM gives System no creation time, so the identity reader answers null for it.
      readIdentity: async (pid) => identities.find((i) => i.pid === pid) ?? null,
      namesOf: async () => new Map(),
      ancestorsOf: async () => [],
      descendantsOf: async () => [],
      supervisionOf: async () => null,
      sendSignal: async (pid) => {
        signalled.push(pid);
        return { ok: true, how: 'recorded' };
      },
      trialBind: async () => ({ ok: false, code: 'EADDRINUSE', message: 'in use' }),
      selfPid: 99_999,
    };
    return { deps, signalled };
  };

  it('on :80 held by System, refuses pid 4 with the way out instead of calling it gone', async () => {
    const { deps, signalled } = windows([], [listener(80, [4])], { 4: 'System' });
    const plan = await planKill({ port: 80 }, { deps });
    expect(plan.candidates).toEqual([]);
    expect(plan.refusals).toMatchObject([{ pid: 4, reason: 'os-critical', message: expect.stringContaining('netsh http show servicestate') }]);
    const report = await executeKill(plan, { deps, graceMs: 0 });
    expect(signalled).toEqual([]);
    expect(report.ok).toBe(false);
  });

  it('on :7680 held by svchost.exe, refuses it; a developer\'s own server on the same port is still stopped', async () => {
    const svchost = { pid: 3100, ppid: 700, startTime: 1_700_000_000_000, name: 'svchost.exe', exe: `${SYSTEM32}\\svchost.exe` };
    const server = { pid: 5200, ppid: 4000, startTime: 1_700_000_500_000, name: 'node.exe', exe: 'C:\\Program Files\\nodejs\\node.exe' };
    const { deps, signalled } = windows([svchost, server], [listener(7680, [3100]), { ...listener(7680, [5200]), localAddress: '127.0.0.1' }], { 3100: 'svchost.exe', 5200: 'node.exe' });
    const plan = await planKill({ port: 7680 }, { deps });
    expect(plan.candidates.map((c) => c.pid)).toEqual([5200]);
    expect(plan.refusals).toMatchObject([{ pid: 3100, reason: 'os-critical', message: expect.stringContaining('tasklist /svc /fi "PID eq 3100"') }]);
    await executeKill(plan, { deps, graceMs: 0, restartWatchMs: 0 });
    expect(signalled).toEqual([5200]);
  });
});
