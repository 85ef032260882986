// Windows' Ctrl+C decision (kill-console.ts): who shares a console with the process to stop, and
// whether a Ctrl+C, which reaches all of them, may be sent. The helper's lines are built the way
// its PowerShell prints them (kill-console-win32.ts); the Win32 side runs only in test/os on Windows.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ctrlCHow, judgeConsole, parseConsoleHelper, type ConsoleHelperReport } from '../../main/core/kill-console.js';
import { helperScript, powershellError } from '../../main/core/kill-console-win32.js';
import { declinedCtrlC } from '../../main/core/kill-signal.js';

interface Row {
  pid: number;
  ppid: number;
  start: number | null;
  name: string;
  exe?: string;
}

const T0 = 1_763_700_000_000;

// A developer's machine: Windows Terminal -> pwsh -> npm (cmd /c + node) -> vite (node), plus a
// second terminal tab running another server, and Porthole started from a third.
const TABLE: Row[] = [
  { pid: 4, ppid: 0, start: null, name: 'System' },
  { pid: 668, ppid: 560, start: T0, name: 'wininit.exe', exe: 'C:\\Windows\\System32\\wininit.exe' },
  { pid: 5120, ppid: 5096, start: T0 + 1_000, name: 'explorer.exe', exe: 'C:\\Windows\\explorer.exe' },
  { pid: 7300, ppid: 5120, start: T0 + 2_000, name: 'WindowsTerminal.exe' },
  { pid: 7412, ppid: 7300, start: T0 + 3_000, name: 'pwsh.exe', exe: 'C:\\Program Files\\PowerShell\\7\\pwsh.exe' },
  { pid: 8020, ppid: 7412, start: T0 + 4_000, name: 'node.exe', exe: 'C:\\Program Files\\nodejs\\node.exe' }, // npm run dev
  { pid: 8044, ppid: 8020, start: T0 + 4_100, name: 'cmd.exe', exe: 'C:\\Windows\\System32\\cmd.exe' }, // npm's script shell
  { pid: 8100, ppid: 8044, start: T0 + 4_200, name: 'node.exe', exe: 'C:\\Program Files\\nodejs\\node.exe' }, // vite
  { pid: 8160, ppid: 8100, start: T0 + 4_300, name: 'esbuild.exe' }, // vite's service
  { pid: 9000, ppid: 7300, start: T0 + 5_000, name: 'pwsh.exe' }, // second tab
  { pid: 9010, ppid: 9000, start: T0 + 5_100, name: 'python.exe' },
  { pid: 9500, ppid: 9400, start: T0 + 6_000, name: 'porthole-helper.exe' },
];

function line(r: Row): string {
  return `${r.pid}|${r.ppid}|${r.start ?? ''}|${r.exe ?? ''}|${r.name}`;
}

/** The helper's output: SELF, the table, then what it found on attaching, CRLF as Windows writes it. */
function transcript(options: { self?: number; rows?: Row[]; console: number[] | 'none'; ready?: boolean; after?: string[] }): string {
  const lines = [`SELF ${options.self ?? 9500}`, ...(options.rows ?? TABLE).map(line)];
  if (options.console === 'none') lines.push('NOCONSOLE 6');
  else lines.push(`CONSOLE ${options.console.join(' ')}`, ...(options.ready === false ? [] : ['READY']));
  return [...lines, ...(options.after ?? [])].join('\r\n') + '\r\n';
}

const VITE = { pid: 8100, startTime: T0 + 4_200 };

describe('parseConsoleHelper', () => {
  it('reads every form the helper prints', () => {
    const report = parseConsoleHelper(transcript({ console: [8100, 8044, 8020, 7412, 9500], after: ['SENT'] }));
    expect(report.helperPid).toBe(9500);
    expect(report.processes.size).toBe(TABLE.length);
    expect(report.processes.get(8100)).toEqual({ pid: 8100, ppid: 8044, startTime: T0 + 4_200, exe: 'C:\\Program Files\\nodejs\\node.exe', name: 'node.exe' });
    expect(report.processes.get(4)).toMatchObject({ startTime: null, exe: null });
    expect(report.console).toEqual({ attached: true, members: [8100, 8044, 8020, 7412, 9500] });
    expect(report.ready).toBe(true);
    expect(report.sent).toEqual({ ok: true });
    expect(report.skipped).toBe(0);
    expect(parseConsoleHelper('NOCONSOLE 5\r\n').console).toEqual({ attached: false, error: 5 });
    expect(parseConsoleHelper('READY\nNOTSENT 87\n').sent).toEqual({ ok: false, error: 87 });
  });

  it('skips and counts what fits no form: PowerShell noise, cut lines, bad numbers', () => {
    const report = parseConsoleHelper(
      ['WARNING: something', 'SELF', 'SELF 12 13', 'CONSOLE 1 x 3', 'CONSOLE', '8100|8044|', '0|0|||Idle', 'READY now', 'SENT 1'].join('\n'),
    );
    expect(report).toMatchObject({ helperPid: null, console: null, ready: false, sent: null, skipped: 9 });
    expect(report.processes.size).toBe(0);
  });

  it('never throws, whatever the helper printed or where its output was cut', () => {
    const whole = transcript({ console: [8100, 8044, 8020, 7412, 9500], after: ['SENT'] });
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.nat(), (noise, cut) => {
        for (const text of [noise, whole.slice(0, cut % (whole.length + 1)) + noise]) {
          const report = parseConsoleHelper(text);
          expect(report.skipped).toBeGreaterThanOrEqual(0);
          // Whatever was read, the decision is made without throwing.
          expect(typeof judgeConsole(VITE, report, 9600).send).toBe('boolean');
        }
      }),
    );
  });
});

describe('judgeConsole', () => {
  /** Porthole's pid: not in the table unless a test puts it there (the Electron app has no console). */
  const PORTHOLE = 9600;
  const judge = (options: Parameters<typeof transcript>[0], target = VITE, self = PORTHOLE) => judgeConsole(target, parseConsoleHelper(transcript(options)), self);

  it('sends to a server alone on its console (started hidden, or in its own window)', () => {
    expect(judge({ console: [8100, 9500] })).toEqual({ send: true, peers: [] });
    expect(ctrlCHow(VITE, [])).toBe('Ctrl+C in the console of pid 8100');
  });

  it('sends when the rest of the console started it there (shell, npm, its script shell) or was started by it', () => {
    const verdict = judge({ console: [7412, 8020, 8044, 8100, 8160, 9500] });
    expect(verdict).toEqual({
      send: true,
      peers: [
        { pid: 7412, name: 'pwsh.exe', relation: 'started it' },
        { pid: 8020, name: 'node.exe', relation: 'started it' },
        { pid: 8044, name: 'cmd.exe', relation: 'started it' },
        { pid: 8160, name: 'esbuild.exe', relation: 'started by it' },
      ],
    });
    expect(ctrlCHow(VITE, verdict.peers)).toBe(
      'Ctrl+C in the console of pid 8100 (pwsh.exe (pid 7412), node.exe (pid 8020), cmd.exe (pid 8044) and esbuild.exe (pid 8160) on that console get it too, as from a Ctrl+C typed there)',
    );
  });

  it('does not send when an unrelated program shares the console, and names it', () => {
    const verdict = judge({ console: [7412, 8020, 8044, 8100, 9010, 9500] });
    expect(verdict).toMatchObject({ send: false, reason: 'shared' });
    expect(verdict.send === false && verdict.message).toBe(
      "Ctrl+C was not sent: it reaches every program in a console, and python.exe (pid 9010) shares node.exe's console without having started it or been started by it.",
    );
    expect(verdict.peers.find((p) => p.pid === 9010)?.relation).toBe('unrelated');
  });

  it('does not send when Porthole, or what started it, is on that console: it would stop itself', () => {
    // `porthole kill 8100` typed in the pwsh whose `start /b` runs the server in the same window.
    const porthole: Row = { pid: 9200, ppid: 7412, start: T0 + 5_500, name: 'node.exe' };
    const rows = [...TABLE, porthole];
    expect(judge({ rows, console: [7412, 8020, 8044, 8100, 9200, 9500] }, VITE, 9200)).toEqual({
      send: false,
      reason: 'shared',
      message: "Ctrl+C was not sent: it reaches every program in a console, and Porthole itself (pid 9200) is on node.exe's console.",
      peers: expect.arrayContaining([{ pid: 9200, name: 'node.exe', relation: 'porthole' }, { pid: 7412, name: 'pwsh.exe', relation: 'porthole' }]),
    });
    // Porthole (a windowed app, or started detached) is not on it, but the shell that started it is.
    expect(judge({ rows, console: [7412, 8020, 8044, 8100, 9500] }, VITE, 9200)).toMatchObject({
      send: false,
      message: "Ctrl+C was not sent: it reaches every program in a console, and pwsh.exe (pid 7412), which started Porthole, is on node.exe's console.",
    });
  });

  it('does not send when anything the table does not know is on that console', () => {
    const verdict = judge({ console: [8100, 9999, 9500] });
    expect(verdict).toMatchObject({ send: false, reason: 'shared', peers: [{ pid: 9999, relation: 'unrelated', name: 'a process that started after the table was read' }] });
  });

  it('does not count a dead parent whose pid Windows gave to a newer process', () => {
    // 8044 exited and its pid went to a process started later: 8100 keeps the stale ppid.
    const reused = TABLE.map((r) => (r.pid === 8044 ? { ...r, start: T0 + 9_000, name: 'notepad.exe', ppid: 5120 } : r));
    expect(judge({ rows: reused, console: [8044, 8100, 9500] })).toMatchObject({ send: false, reason: 'shared', peers: [{ pid: 8044, relation: 'unrelated' }] });
  });

  it('survives a loop in the parent links', () => {
    const looped = [...TABLE, { pid: 100, ppid: 101, start: T0, name: 'a.exe' }, { pid: 101, ppid: 100, start: T0, name: 'b.exe' }];
    expect(judge({ rows: looped, console: [8100, 100, 101, 9500] })).toMatchObject({ send: false, reason: 'shared' });
  });

  it('refuses a reused pid, a target that left, no console, and a helper that stopped early', () => {
    expect(judge({ console: [8100, 9500] }, { pid: 8100, startTime: T0 })).toMatchObject({ send: false, reason: 'reused' });
    expect(judge({ console: [8020, 9500] })).toMatchObject({ send: false, reason: 'gone' });
    expect(judge({ console: 'none' })).toMatchObject({ send: false, reason: 'no-console', message: 'node.exe (pid 8100) has no console to send Ctrl+C to.', attachError: 6 });
    expect(judge({ console: [8100, 9500], ready: false })).toMatchObject({ send: false, reason: 'incomplete' });
    expect(judgeConsole(VITE, parseConsoleHelper(''), PORTHOLE)).toMatchObject({ send: false, reason: 'incomplete' });
  });

  it('sends exactly when every other process on the console is kin, in random process trees', () => {
    // Independent of judgeConsole: walk parents with the same rule (a parent starts no later).
    const kin = (rows: Map<number, Row>, a: number, b: number): boolean => {
      const up = (from: number, to: number) => {
        for (let r = rows.get(from), n = 0; r && n < rows.size; n++) {
          const p = rows.get(r.ppid);
          if (!p || (p.start !== null && r.start !== null && p.start > r.start)) return false;
          if (p.pid === to) return true;
          r = p;
        }
        return false;
      };
      return up(a, b) || up(b, a);
    };
    const tree = fc.array(fc.record({ parent: fc.nat(), start: fc.integer({ min: 0, max: 50 }) }), { minLength: 2, maxLength: 25 });
    fc.assert(
      fc.property(tree, fc.nat(), fc.array(fc.nat(), { maxLength: 8 }), (nodes, targetPick, memberPicks) => {
        // Pids 10, 20, 30...; each parent is an earlier node (or none), start times random.
        const rows = new Map<number, Row>();
        nodes.forEach((n, i) => {
          const pid = (i + 1) * 10;
          rows.set(pid, { pid, ppid: i === 0 ? 0 : ((n.parent % i) + 1) * 10, start: T0 + n.start, name: `p${pid}.exe` });
        });
        const pids = [...rows.keys()];
        const target = pids[targetPick % pids.length]!;
        const members = [...new Set([target, ...memberPicks.map((m) => pids[m % pids.length]!)])];
        const report: ConsoleHelperReport = parseConsoleHelper(transcript({ self: 1, rows: [...rows.values()], console: [...members, 1] }));
        const verdict = judgeConsole({ pid: target, startTime: rows.get(target)!.start! }, report, 999_999);
        const everyoneKin = members.every((m) => m === target || kin(rows, target, m));
        expect(verdict.send).toBe(everyoneKin);
        expect(verdict.peers.map((p) => p.pid).sort()).toEqual(members.filter((m) => m !== target).sort());
      }),
    );
  });
});

describe('what a Ctrl+C that was not sent means for the graceful step (kill-signal.ts)', () => {
  const noConsole = (attachError: number | null) => ({ send: false as const, reason: 'no-console' as const, message: 'no console', peers: [], attachError });

  it('lets taskkill ask only a program without a console to close', () => {
    expect(declinedCtrlC(noConsole(6))).toBeNull();
  });

  it('never lets taskkill near a console it could not check: its request to close could close the whole window', () => {
    expect(declinedCtrlC({ send: false, reason: 'shared', message: 'python.exe shares it', peers: [] })).toEqual({ ok: false, how: 'Ctrl+C', code: 'FAILED', message: 'python.exe shares it' });
    expect(declinedCtrlC({ send: false, reason: 'incomplete', message: 'cut short', peers: [] })).toMatchObject({ ok: false, code: 'FAILED' });
    expect(declinedCtrlC(noConsole(31))).toEqual({ ok: false, how: 'Ctrl+C', code: 'FAILED', message: 'its console could not be reached (Windows error 31), so no Ctrl+C was sent' });
    expect(declinedCtrlC(noConsole(null))).toMatchObject({ ok: false, code: 'FAILED', message: expect.stringContaining('Windows error unknown') });
  });

  it('reads a process that is gone, reused or not ours the way kill does', () => {
    expect(declinedCtrlC(noConsole(87))).toMatchObject({ ok: false, code: 'ESRCH' });
    expect(declinedCtrlC(noConsole(5))).toMatchObject({ ok: false, code: 'EPERM', message: expect.stringContaining('elevated') });
    expect(declinedCtrlC({ send: false, reason: 'reused', message: 'pid 8100 now belongs to a different process', peers: [] })).toMatchObject({ ok: false, code: 'ESRCH' });
  });
});

describe('the PowerShell side', () => {
  it('builds the helper for a checked pid only', () => {
    expect(helperScript(8100)).toContain('[Porthole.ConsoleCtrl]::Attach(8100)');
    for (const bad of [0, 1, -5, 1.5, Number.NaN, 2 ** 60]) expect(() => helperScript(bad)).toThrow(RangeError);
  });

  it("reads PowerShell's error, plain or as CLIXML", () => {
    expect(powershellError('\r\nAdd-Type : Cannot add type.\r\nAt line:7 char:1\r\n')).toBe('Add-Type : Cannot add type.');
    const clixml =
      '#< CLIXML\r\n<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04"><S S="Error">Add-Type : Cannot add type. Definition of new types is not supported in this language mode._x000D__x000A_</S><S S="Error">At line:7 char:1_x000D__x000A_</S><S S="Error">+ Add-Type -Namespace Porthole -Name ConsoleCtrl &lt;&lt;&lt;&lt;_x000D__x000A_</S></Objs>';
    expect(powershellError(clixml)).toBe('Add-Type : Cannot add type. Definition of new types is not supported in this language mode.');
    expect(powershellError('')).toBeUndefined();
  });
});
