import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLsofCwd, parsePsArgs, parsePsDarwin, programName } from '../../../main/core/collect/parse/ps-darwin.js';
import { describeProcesses } from '../../../main/core/processes-darwin.js';
import { CommandError, type RunOptions, type RunResult } from '../../../main/core/collect/run.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/darwin/${name}`, import.meta.url), 'utf8');
// Hand-written in macOS ps's layout (comm is the executable path; lstart pads the day with a space).
const PS = fixture('ps-macos.txt');
const ARGS = fixture('ps-args-macos.txt');
const CWD = fixture('lsof-cwd-macos.txt');
// Real captures of the same three commands (procps ps and lsof 4.95 on Linux): same columns,
// but Linux comm is the 15-character name rather than a path.
const PS_LINUX = fixture('ps-linux-capture.txt');
const ARGS_LINUX = fixture('ps-args-linux-capture.txt');
const CWD_LINUX = fixture('lsof-cwd-linux-capture.txt');

describe('parsePsDarwin', () => {
  const out = parsePsDarwin(PS);

  it('reads every row', () => {
    expect(out.skipped).toBe(0);
    expect(out.rows.size).toBe(17);
  });

  it('reads pid, parent, uid, user, local start time and the full comm path', () => {
    expect(out.rows.get(777)).toEqual({
      pid: 777,
      ppid: 760,
      uid: 501,
      user: 'alice',
      startTime: new Date(2026, 10, 20, 9, 14, 3).getTime(),
      comm: '/Applications/Google Chrome.app/Contents/Frameworks/Google Chrome Framework.framework/Versions/131.0.6778.86/Helpers/Google Chrome Helper.app/Contents/MacOS/Google Chrome Helper',
    });
    expect(out.rows.get(1)).toMatchObject({ ppid: 0, uid: 0, user: 'root', startTime: new Date(2026, 10, 2, 8, 1, 13).getTime() });
    expect(out.rows.get(372)).toMatchObject({ uid: 65, user: '_mdnsresponder', comm: '/usr/sbin/mDNSResponder' });
    expect(out.rows.get(2202)).toMatchObject({ ppid: 2201, uid: -2, user: 'nobody' });
    expect(out.rows.get(5555)?.comm).toBe('-zsh');
  });

  it('reads a real procps capture with the same columns', () => {
    const linux = parsePsDarwin(PS_LINUX);
    expect(linux.skipped).toBe(0);
    expect(linux.rows.get(4636)).toEqual({
      pid: 4636,
      ppid: 4624,
      uid: 0,
      user: 'root',
      startTime: new Date(2026, 10, 21, 13, 29, 44).getTime(),
      comm: 'node',
    });
    expect(linux.rows.get(4659)?.comm).toBe('python3');
  });

  it('skips lines that are not ps rows, and keeps an impossible date as null', () => {
    const odd = parsePsDarwin('ps: illegal option -- x\n  12     1   501 bob  Mon Foo 40 10:11:12 2026     /bin/x\n');
    expect(odd.skipped).toBe(1);
    expect(odd.rows.get(12)).toMatchObject({ startTime: null, comm: '/bin/x' });
  });
});

describe('programName', () => {
  it('takes the full program name from comm', () => {
    const name = (pid: number): string => programName(out.rows.get(pid)?.comm ?? '');
    const out = parsePsDarwin(PS);
    expect(name(777)).toBe('Google Chrome Helper');
    expect(name(1300)).toBe('Code Helper (Plugin)');
    expect(name(1190)).toBe('com.docker.backend');
    expect(name(610)).toBe('identityservicesd');
    expect(name(880)).toBe('ssh');
    expect(name(5555)).toBe('zsh');
    expect(programName('(sshd)')).toBe('sshd');
    expect(programName('/usr/local/bin/')).toBe('bin');
  });
});

describe('parsePsArgs and parseLsofCwd', () => {
  it('reads command lines with spaces', () => {
    const out = parsePsArgs(ARGS);
    expect(out.skipped).toBe(0);
    expect(out.rows.size).toBe(17);
    expect(out.rows.get(2201)).toBe('nginx: master process /opt/homebrew/opt/nginx/bin/nginx -g daemon off;');
    expect(out.rows.get(4310)).toBe('/usr/local/bin/node dist/server.js --port 3000');
    expect(parsePsArgs(ARGS_LINUX).rows.get(4636)).toBe('/usr/bin/node /tmp/cap/main.mjs worker');
  });

  it('reads working directories, spaces and all', () => {
    const out = parseLsofCwd(CWD);
    expect(out.skipped).toBe(0);
    expect(out.rows.get(4310)).toBe('/Users/alice/src/My Project (copy)');
    expect(out.rows.get(1)).toBe('/');
    expect(out.rows.size).toBe(5);
    const linux = parseLsofCwd(CWD_LINUX);
    expect([...linux.rows.values()]).toEqual(['/tmp/cap', '/tmp/cap', '/tmp/cap', '/tmp/cap']);
  });
});

describe('describeProcesses (macOS)', () => {
  const fake = (failLsof: boolean) =>
    async (command: string, args: readonly string[], _options?: RunOptions): Promise<RunResult> => {
      if (command === 'lsof') {
        if (failLsof) throw new CommandError('lsof is not installed or not on PATH', 'lsof', 'ENOENT', '');
        return { stdout: CWD, stderr: '' };
      }
      return { stdout: args.includes('pid=,args=') ? ARGS : PS, stderr: '' };
    };

  it('combines ps, ps args and lsof cwd; the name comes from the path, never the lsof cut', async () => {
    const hints = new Map([[777, { pid: 777, name: 'Google Chrome He', uid: 501, user: 'alice' }]]);
    const info = await describeProcesses([777, 4310, 777, 99999], hints, { run: fake(false) });
    expect([...info.keys()]).toEqual([777, 4310]);
    expect(info.get(777)).toMatchObject({ name: 'Google Chrome Helper', uid: 501, user: 'alice', ppid: 760, cwd: '/' });
    expect(info.get(4310)).toEqual({
      pid: 4310,
      name: 'node',
      exe: '/usr/local/bin/node',
      command: '/usr/local/bin/node dist/server.js --port 3000',
      argv: null,
      cwd: '/Users/alice/src/My Project (copy)',
      user: 'alice',
      uid: 501,
      startTime: new Date(2026, 10, 20, 10, 20, 31).getTime(),
      ppid: 4300,
    });
  });

  it('still answers without lsof, and says what is missing', async () => {
    const warnings: string[] = [];
    const info = await describeProcesses([880], new Map(), { run: fake(true), warnings });
    expect(info.get(880)).toMatchObject({ name: 'ssh', exe: null, cwd: null, command: 'ssh -p 22 alice@10.0.0.5' });
    expect(warnings).toEqual(['Could not read working directories: lsof is not installed or not on PATH']);
  });
});

describe('macOS process parsers never throw', () => {
  it('on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        parsePsDarwin(text);
        parsePsArgs(text);
        parseLsofCwd(text);
        programName(text);
      }),
      { numRuns: 500 },
    );
  });

  it('on every truncation of the fixtures, never inventing a row', () => {
    for (let cut = 0; cut <= PS.length; cut++) expect(parsePsDarwin(PS.slice(0, cut)).rows.size).toBeLessThanOrEqual(17);
    for (let cut = 0; cut <= ARGS.length; cut++) parsePsArgs(ARGS.slice(0, cut));
    for (let cut = 0; cut <= CWD.length; cut++) parseLsofCwd(CWD.slice(0, cut));
  });

  it('counts garbled lines', () => {
    const lines = PS.trimEnd().split('\n');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.string({ maxLength: 30 })), { maxLength: 20 }), (inserts) => {
        const copy = [...lines];
        for (const [at, g] of inserts) copy.splice(at % (copy.length + 1), 0, `?${g.replace(/[\r\n]/g, '')}`);
        const out = parsePsDarwin(copy.join('\n'));
        expect(out.skipped).toBe(inserts.length);
        expect(out.rows.size).toBe(17);
      }),
      { numRuns: 200 },
    );
  });

  it('on 100k lines', () => {
    const lines: string[] = [];
    for (let i = 0; i < 100_000; i++) lines.push(`${String(i + 2).padStart(6)}     1   501 alice          Fri Nov 20 10:11:12 2026     /usr/local/bin/node`);
    expect(parsePsDarwin(lines.join('\n')).rows.size).toBe(100_000);
  });
});
