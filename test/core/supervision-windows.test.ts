// Windows can't run here: the reader is given PowerShell's answers in the shapes our own scripts
// print (Win32_Process as JSON, as in fixtures/win32/powershell-cim.txt; Win32_Service as
// "pid|name|display name" lines), and what it asks for is checked too.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Run } from '../../main/core/collect/run.js';
import { win32Identity } from '../../main/core/identity-win32.js';
import { supervisionReader } from '../../main/core/supervision-lookup.js';
import { parseServiceLines, windowsServiceJobs } from '../../main/core/supervision-windows.js';
import { windowsTool } from '../../main/core/windows-tools.js';

const row = (pid: number, ppid: number, name: string, exe: string | null, command: string | null, start: number) => ({
  ProcessId: pid,
  ParentProcessId: ppid,
  Name: name,
  ExecutablePath: exe,
  CommandLine: command,
  StartMs: start,
});

const NODE = 'C:\\Program Files\\nodejs\\node.exe';
const PROCESSES = JSON.stringify([
  row(0, 0, 'System Idle Process', null, null, 0),
  row(4, 0, 'System', null, null, 1_000),
  row(600, 500, 'wininit.exe', null, null, 2_000),
  row(700, 600, 'services.exe', null, null, 2_100),
  row(5100, 700, 'mysqld.exe', 'C:\\Program Files\\MySQL\\MySQL Server 8.0\\bin\\mysqld.exe', '"C:\\Program Files\\MySQL\\MySQL Server 8.0\\bin\\mysqld.exe" --defaults-file="C:\\ProgramData\\MySQL\\MySQL Server 8.0\\my.ini" MySQL80', 3_000),
  row(5900, 5800, 'WindowsTerminal.exe', 'C:\\Program Files\\WindowsApps\\Microsoft.WindowsTerminal_1.21\\WindowsTerminal.exe', 'wt.exe', 4_000),
  row(6000, 5900, 'cmd.exe', 'C:\\Windows\\System32\\cmd.exe', '"C:\\Windows\\system32\\cmd.exe"', 4_100),
  row(6100, 6000, 'node.exe', NODE, `"${NODE}" "C:\\Users\\Jürgen\\AppData\\Roaming\\npm\\node_modules\\nodemon\\bin\\nodemon.js" server.js`, 4_200),
  row(6200, 6100, 'node.exe', NODE, `"${NODE}" server.js`, 4_300),
  row(6300, 6000, 'node.exe', NODE, `"${NODE}" server.js`, 4_400),
]);

/** PowerShell as our scripts would find this machine; records the scripts it was asked to run. */
function fakePowerShell(services = '5100|MySQL80|MySQL80\r\n'): { run: Run; scripts: string[] } {
  const scripts: string[] = [];
  const run: Run = async (command, args) => {
    expect(command).toBe(windowsTool('powershell'));
    const script = Buffer.from(args[args.indexOf('-EncodedCommand') + 1]!, 'base64').toString('utf16le');
    scripts.push(script);
    const stdout = script.includes('Win32_Service') ? services : PROCESSES;
    return { stdout, stderr: '', code: 0 } as Awaited<ReturnType<Run>>;
  };
  return { run, scripts };
}

describe('supervision on Windows', () => {
  it('names the service a server runs as, and asks Win32_Service about that process only', async () => {
    const { run, scripts } = fakePowerShell();
    const found = await supervisionReader('win32', win32Identity, run)(5100);
    expect(found).toEqual({ kind: 'service-manager', by: 'the Windows service MySQL80', restarts: 'policy', stop: 'sc stop MySQL80', pid: null });
    expect(scripts).toHaveLength(2);
    expect(scripts[1]).toContain("-Filter 'ProcessId=5100'");
  });

  it('finds nodemon above a server through quoted Windows paths, without asking about services', async () => {
    const { run, scripts } = fakePowerShell();
    const found = await supervisionReader('win32', win32Identity, run)(6200);
    expect(found).toEqual({ kind: 'watcher', by: 'nodemon (pid 6100)', restarts: 'change', stop: 'porthole kill pid:6100 --tree', pid: 6100 });
    expect(scripts.some((s) => s.includes('Win32_Service'))).toBe(false);
  });

  it('lists the processes once for the several targets of one plan, and again after a failure', async () => {
    const { run, scripts } = fakePowerShell();
    const read = supervisionReader('win32', win32Identity, run);
    await read(6200);
    await read(6300);
    expect(scripts.filter((s) => s.includes('Win32_Process'))).toHaveLength(1);

    let fail = true;
    const flaky: Run = async (command, args, options) => {
      if (fail) throw new Error('powershell.exe is not recognized');
      return run(command, args, options);
    };
    const retrying = supervisionReader('win32', win32Identity, flaky);
    await expect(retrying(6200)).rejects.toThrow(/not recognized/);
    fail = false;
    expect(await retrying(6200)).toMatchObject({ by: 'nodemon (pid 6100)' });
  });

  it('finds nothing for a server started from a terminal', async () => {
    const { run } = fakePowerShell();
    expect(await supervisionReader('win32', win32Identity, run)(6300)).toBeNull();
    expect(await supervisionReader('win32', win32Identity, run)(99_999)).toBeNull();
  });
});

describe('parseServiceLines', () => {
  it('reads pid, name and display name, and skips stopped services and noise', () => {
    const text = '\uFEFF5100|MySQL80|MySQL80\r\n7200|postgresql-x64-16|postgresql-x64-16 - PostgreSQL Server 16\r\n0|wuauserv|Windows Update\r\ngarbage\r\n\r\n';
    expect(parseServiceLines(text)).toEqual([
      { pid: 5100, name: 'MySQL80', displayName: 'MySQL80' },
      { pid: 7200, name: 'postgresql-x64-16', displayName: 'postgresql-x64-16 - PostgreSQL Server 16' },
    ]);
  });

  it('never throws, on garbage or on any cut of real-shaped output', () => {
    fc.assert(fc.property(fc.string(), (text) => parseServiceLines(text).every((s) => Number.isInteger(s.pid) && s.pid > 0 && s.name.length > 0)));
  });

  it('says the service by name and display name, and quotes a name sc would split', () => {
    expect(windowsServiceJobs([{ pid: 7200, name: 'postgresql-x64-16', displayName: 'postgresql-x64-16 - PostgreSQL Server 16' }])).toEqual([
      { pid: 7200, by: 'the Windows service postgresql-x64-16 (postgresql-x64-16 - PostgreSQL Server 16)', stop: 'sc stop postgresql-x64-16' },
    ]);
    expect(windowsServiceJobs([{ pid: 9, name: 'My Api', displayName: 'My Api' }])[0]!.stop).toBe('sc stop "My Api"');
    // Two services in one process: one job (the first); kill refuses svchost.exe itself anyway.
    expect(windowsServiceJobs([{ pid: 9, name: 'A', displayName: 'A' }, { pid: 9, name: 'B', displayName: 'B' }])).toHaveLength(1);
  });
});
