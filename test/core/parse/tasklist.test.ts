import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseCimDate,
  parseCimProcesses,
  parseTasklistCsv,
  splitWindowsCommandLine,
  win32ProcessScript,
} from '../../../main/core/collect/parse/tasklist.js';
import { describeProcesses } from '../../../main/core/processes-win32.js';
import { windowsTool } from '../../../main/core/windows-tools.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/win32/${name}`, import.meta.url), 'utf8');
// Hand-written: what win32ProcessScript prints under Windows PowerShell 5.1 (compressed JSON,
// '&' escaped as \u0026 by its JavaScriptSerializer, null paths for other users' processes).
const CIM = fixture('powershell-cim.txt');
// Hand-written: the plain `Select-Object …,CreationDate | ConvertTo-Json` shape, 5.1 and 7 dates.
const CIM_DATES = fixture('powershell-cim-creationdate.txt');
const TASKLIST = fixture('tasklist-csv.txt');

describe('parseCimProcesses', () => {
  const out = parseCimProcesses(CIM);

  it('reads every process', () => {
    expect(out.skipped).toBe(0);
    expect([...out.rows.keys()]).toEqual([0, 4, 1168, 5120, 9876, 14880, 18244, 20112]);
  });

  it('keeps the full image name, path, command line, parent and start time', () => {
    expect(out.rows.get(14880)).toEqual({
      pid: 14880,
      ppid: 13200,
      name: 'node.exe',
      exe: 'C:\\Program Files\\nodejs\\node.exe',
      command: '"C:\\Program Files\\nodejs\\node.exe" server.js --port 3000',
      startTime: 1763630000000,
    });
    expect(out.rows.get(9876)?.command).toContain('--field-trial-handle=1980,i,7,& --mojo');
    expect(out.rows.get(20112)?.exe).toBe('C:\\Users\\Jürgen\\AppData\\Local\\fnm_multishells\\1234_1763630000\\node.exe');
  });

  it('leaves what Windows hides from a non-elevated caller as null', () => {
    expect(out.rows.get(5120)).toEqual({ pid: 5120, ppid: 872, name: 'postgres.exe', exe: null, command: null, startTime: 1763622041870 });
    expect(out.rows.get(0)).toMatchObject({ name: 'System Idle Process', startTime: null });
    expect(out.rows.get(4)).toMatchObject({ name: 'System', startTime: 1763622012345 });
  });

  it('reads CreationDate in the 5.1 and 7 spellings and names a process from its path', () => {
    const dated = parseCimProcesses(CIM_DATES);
    expect(dated.skipped).toBe(0);
    expect(dated.rows.get(4)?.startTime).toBe(1763622012345);
    expect(dated.rows.get(14880)?.startTime).toBe(1763630000000);
    expect(dated.rows.get(20112)).toMatchObject({ name: 'bun.exe', startTime: Date.UTC(2025, 10, 20, 9, 23, 20, 250) });
  });

  it('accepts a lone object, a BOM and an empty answer', () => {
    const one = parseCimProcesses('\uFEFF{"ProcessId":7,"ParentProcessId":1,"Name":"a.exe","ExecutablePath":null,"CommandLine":null,"StartMs":null}\r\n');
    expect(one.rows.get(7)?.name).toBe('a.exe');
    expect(parseCimProcesses('')).toEqual({ rows: new Map(), skipped: 0, samples: [] });
    expect(parseCimProcesses('[]').rows.size).toBe(0);
  });

  it('skips items that are not processes and output that is not JSON', () => {
    const mixed = parseCimProcesses('[{"ProcessId":-1,"Name":"x"},{"Name":"nameless"},{"ProcessId":9,"Name":""},{"ProcessId":10,"Name":"ok.exe"}]');
    expect([...mixed.rows.keys()]).toEqual([10]);
    expect(mixed.skipped).toBe(3);
    const broken = parseCimProcesses('Get-CimInstance : Access denied');
    expect(broken.skipped).toBe(1);
    expect(broken.samples).toEqual(['Get-CimInstance : Access denied']);
  });
});

describe('parseCimDate', () => {
  it('reads every spelling PowerShell and WMI use', () => {
    expect(parseCimDate('/Date(1700000000000)/')).toBe(1700000000000);
    expect(parseCimDate('/Date(1700000000000+0100)/')).toBe(1700000000000);
    expect(parseCimDate({ value: '/Date(1700000000000)/', DisplayHint: 2 })).toBe(1700000000000);
    expect(parseCimDate('2023-11-14T23:13:20.0000000+01:00')).toBe(1700000000000);
    expect(parseCimDate('20231114231320.000000+060')).toBe(1700000000000);
    expect(parseCimDate(1700000000000)).toBe(1700000000000);
    expect(parseCimDate(null)).toBeNull();
    expect(parseCimDate('yesterday')).toBeNull();
  });
});

describe('parseTasklistCsv', () => {
  it('reads image names in full and pids', () => {
    const out = parseTasklistCsv(TASKLIST);
    expect(out.skipped).toBe(0);
    expect(out.rows.size).toBe(17);
    expect(out.rows.get(0)).toEqual({ pid: 0, name: 'System Idle Process' });
    expect(out.rows.get(4)).toEqual({ pid: 4, name: 'System' });
    expect(out.rows.get(17004)?.name).toBe('Code - Insiders.exe');
    expect(out.rows.get(21440)?.name).toBe('Microsoft.Media.Player.exe');
  });

  it('skips tasklist messages and broken lines', () => {
    const out = parseTasklistCsv('INFO: No tasks are running which match the specified criteria.\r\n"a.exe","12","Console","1","1 K"\r\n"b.exe","x"\r\n"c.exe","13\r\n');
    expect([...out.rows.keys()]).toEqual([12]);
    expect(out.skipped).toBe(3);
  });

  it('unescapes doubled quotes', () => {
    expect(parseTasklistCsv('"say ""hi"".exe","5","Console","1","1 K"').rows.get(5)?.name).toBe('say "hi".exe');
  });
});

describe('splitWindowsCommandLine', () => {
  it('splits like the Microsoft C runtime', () => {
    const out = parseCimProcesses(CIM);
    expect(splitWindowsCommandLine(out.rows.get(18244)?.command ?? '')).toEqual([
      'C:\\Program Files\\nodejs\\node.exe',
      'C:\\Users\\Jürgen\\src\\shop\\node_modules\\vite\\bin\\vite.js',
      '--host',
      'my "quoted" name',
    ]);
    expect(splitWindowsCommandLine(out.rows.get(20112)?.command ?? '')).toEqual(['node', 'C:\\Users\\Jürgen\\src\\api\\dist\\main.js']);
    expect(splitWindowsCommandLine('a\\\\\\"b c\\\\"d e" f')).toEqual(['a\\"b', 'c\\d e', 'f']);
    expect(splitWindowsCommandLine('"a""b" "" x')).toEqual(['a"b', '', 'x']);
    expect(splitWindowsCommandLine('  \t ')).toEqual([]);
  });

  it('never throws and never returns an argument with unquoted whitespace', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', ' ', '\t', '"', '\\', 'é'), maxLength: 60 }), (cmd) => {
        const argv = splitWindowsCommandLine(cmd);
        if (!cmd.includes('"')) for (const a of argv) expect(a).not.toMatch(/[ \t]/);
      }),
      { numRuns: 500 },
    );
  });
});

describe('win32ProcessScript', () => {
  it('filters by pid when given pids, and lists every process otherwise', () => {
    expect(win32ProcessScript([4, 14880])).toContain("Get-CimInstance -ClassName Win32_Process -Filter 'ProcessId=4 OR ProcessId=14880' |");
    expect(win32ProcessScript(null)).toContain('Get-CimInstance -ClassName Win32_Process |');
    expect(win32ProcessScript(null)).toContain('ConvertTo-Json -InputObject $rows -Compress');
  });
});

describe('Windows process parsers never throw', () => {
  it('on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        parseCimProcesses(text);
        parseTasklistCsv(text);
        splitWindowsCommandLine(text);
      }),
      { numRuns: 500 },
    );
  });

  it('on arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const out = parseCimProcesses(JSON.stringify(value));
        for (const row of out.rows.values()) expect(row.name.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it('on every truncation of the fixtures', () => {
    for (let cut = 0; cut <= CIM.length; cut++) parseCimProcesses(CIM.slice(0, cut));
    for (let cut = 0; cut <= TASKLIST.length; cut++) {
      const out = parseTasklistCsv(TASKLIST.slice(0, cut));
      expect(out.rows.size + out.skipped).toBeLessThanOrEqual(17);
    }
  });

  it('on 100k tasklist lines', () => {
    const lines: string[] = [];
    for (let i = 0; i < 100_000; i++) lines.push(`"proc${i}.exe","${i + 8}","Console","1","1,234 K"`);
    const out = parseTasklistCsv(lines.join('\r\n'));
    expect(out.rows.size).toBe(100_000);
  });
});

describe('describeProcesses (Windows)', () => {
  type Call = { command: string; args: readonly string[] };
  const fake = (powershell: string | Error, calls: Call[] = []) =>
    async (command: string, args: readonly string[]): Promise<{ stdout: string; stderr: string }> => {
      calls.push({ command, args });
      if (command === windowsTool('powershell')) {
        if (powershell instanceof Error) throw powershell;
        return { stdout: powershell, stderr: '' };
      }
      return { stdout: TASKLIST, stderr: '' };
    };

  it('asks CIM for just the wanted pids and fills in everything it gives', async () => {
    const calls: Call[] = [];
    const info = await describeProcesses([0, 14880, 18244, 4, 31337], new Map(), { run: fake(CIM, calls) });
    expect(calls).toHaveLength(1);
    const encoded = calls[0]?.args.at(-1) ?? '';
    expect(Buffer.from(encoded, 'base64').toString('utf16le')).toContain("-Filter 'ProcessId=4 OR ProcessId=14880 OR ProcessId=18244 OR ProcessId=31337'");
    expect([...info.keys()]).toEqual([4, 14880, 18244]);
    expect(info.get(18244)).toEqual({
      pid: 18244,
      name: 'node.exe',
      exe: 'C:\\Program Files\\nodejs\\node.exe',
      command: '"C:\\Program Files\\nodejs\\node.exe" "C:\\Users\\Jürgen\\src\\shop\\node_modules\\vite\\bin\\vite.js" --host "my \\"quoted\\" name"',
      argv: ['C:\\Program Files\\nodejs\\node.exe', 'C:\\Users\\Jürgen\\src\\shop\\node_modules\\vite\\bin\\vite.js', '--host', 'my "quoted" name'],
      cwd: null,
      user: null,
      uid: null,
      startTime: 1763630512999,
      ppid: 17004,
    });
    expect(info.get(4)).toMatchObject({ name: 'System', argv: null });
  });

  it('falls back to tasklist names when PowerShell cannot run', async () => {
    const warnings: string[] = [];
    const info = await describeProcesses([14880, 17004], new Map(), {
      run: fake(new Error('powershell.exe is not installed or not on PATH')),
      warnings,
    });
    expect(info.get(17004)).toMatchObject({ name: 'Code - Insiders.exe', exe: null, command: null, argv: null });
    expect(info.get(14880)?.name).toBe('node.exe');
    expect(warnings[0]).toMatch(/falling back to tasklist/);
  });
});
