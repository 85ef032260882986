// What ends `porthole PORT` and `porthole why PORT` for a held port: the kill command, or the reason
// kill would refuse (Windows' System and svchost.exe can't run here: their platform is passed).
import { describe, expect, it } from 'vitest';
import { freeItLines } from '../../main/cli/output/free-it.js';
import { createStyle } from '../../main/cli/output/style.js';

const plain = createStyle(false, {});

describe('freeItLines', () => {
  it('offers the kill command for an ordinary owner', () => {
    expect(freeItLines(3000, [{ pid: 812, name: 'node' }], plain, [], 'linux')).toEqual(['Free it: porthole kill 3000']);
    expect(freeItLines(3000, [], plain, [], 'linux')).toEqual([]);
  });

  it("names each process when the port is only the local port of their connections (kill PORT leaves those alone)", () => {
    const owners = [{ pid: 812, name: 'curl' }, { pid: 990, name: 'psql' }];
    expect(freeItLines(41750, owners, plain, [], 'linux', true)).toEqual(['Free it: porthole kill pid:812', 'Free it: porthole kill pid:990']);
  });

  it('says what to stop instead when the OS itself holds the port', () => {
    const lines = freeItLines(80, [{ pid: 4, name: 'System' }], plain, [], 'win32');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^System \(pid 4\) is the Windows kernel.*netsh http show servicestate/);
  });

  it('offers both when a system process and a program of the user\'s share the port', () => {
    const lines = freeItLines(7680, [{ pid: 3100, name: 'svchost.exe', exe: null }, { pid: 5200, name: 'node.exe', exe: 'C:\\Program Files\\nodejs\\node.exe' }], plain, [], 'win32');
    expect(lines[0]).toContain('tasklist /svc /fi "PID eq 3100"');
    expect(lines[1]).toBe('Free it: porthole kill 7680');
  });

  it("offers a supervisor's own stop for the owners it would restart, and kill for the rest", () => {
    const owners = [{ pid: 900, name: 'node' }, { pid: 901, name: 'node' }, { pid: 950, name: 'python3' }];
    const restarts = [{ pids: [900, 901], stop: 'porthole kill pid:880 --tree' }];
    expect(freeItLines(3000, owners, plain, restarts, 'linux')).toEqual(['Free it: porthole kill pid:880 --tree', 'Free it: porthole kill 3000']);
    expect(freeItLines(3000, owners.slice(0, 2), plain, restarts, 'linux')).toEqual(['Free it: porthole kill pid:880 --tree']);
  });
});
