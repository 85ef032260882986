// The per-OS command builders: every path must reach the collector byte for byte, whatever it
// contains. Linux and macOS are run for real through /bin/sh (with the elevation wrapper left out);
// Windows' PowerShell is not available here, so its two layers are decoded and read back with an
// independent reader of PowerShell's quoting rules.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as darwin from '../../../main/core/elevate/darwin.js';
import * as linux from '../../../main/core/elevate/linux.js';
import { appleScriptString, psQuote, shQuote, UnquotableError } from '../../../main/core/elevate/quote.js';
import * as win32 from '../../../main/core/elevate/win32.js';
import { decodePowerShell, readAppleScriptString, readPsSingleQuoted } from './quoting.js';

const posix = process.platform !== 'win32';

/** Characters that mean something to sh, AppleScript or PowerShell, plus a few ordinary ones. */
const NASTY = ["'", '"', '$', '`', '\\', ' ', '\n', '\t', '!', '*', '?', '~', '#', ';', '&', '|', '(', ')', '<', '>', '{', '}', '[', ']', '%', '’', '‘', '‚', '‛', 'é', '日', 'a', '-', '='];
const nastyString = fc.oneof(
  fc.string({ unit: fc.constantFrom(...NASTY), maxLength: 24 }),
  fc.string({ unit: 'grapheme', maxLength: 24 }),
).filter((s) => !s.includes('\0'));

/** Runs shell text and returns what printf saw, one entry per argument. */
function shPrintf(words: string[]): string[] {
  const out = execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${words.join(' ')}`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

let dir: string;
let fakeNode: string;
const weirdCli = () => path.join(dir, "cli dir 'q' \"dq\" $HOME `id` \\ ;&|", 'porthole.cjs');

beforeAll(() => {
  // A folder whose name would break any sloppy quoting, holding a "node" that reports its argv.
  dir = mkdtempSync(path.join(os.tmpdir(), 'porthole-quote-'));
  if (!posix) return;
  const weird = path.join(dir, "a b'c\"d$(echo x)`e`\\f\ng!h*");
  execFileSync('mkdir', ['-p', weird]);
  fakeNode = path.join(weird, 'node');
  writeFileSync(fakeNode, '#!/bin/sh\nprintf \'%s\\0\' "$ELECTRON_RUN_AS_NODE" "$@"\n');
  chmodSync(fakeNode, 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('shQuote', () => {
  it.runIf(posix)('round-trips any text through sh -c (property)', () => {
    fc.assert(
      fc.property(fc.array(nastyString, { minLength: 1, maxLength: 16 }), (texts) => {
        expect(shPrintf(texts.map(shQuote))).toEqual(texts);
      }),
      { numRuns: 60 },
    );
  });

  it.runIf(posix)('keeps $, backticks, quotes and newlines literal', () => {
    const texts = ['$HOME', '`id`', "it's", '"x"', 'a\nb', '\\', "'", "''", '-n', ''];
    expect(shPrintf(texts.map(shQuote))).toEqual(texts);
  });

  it('refuses NUL, which no argv can carry', () => {
    expect(() => shQuote('a\0b')).toThrow(UnquotableError);
    expect(() => psQuote('a\0b')).toThrow(UnquotableError);
    expect(() => appleScriptString('a\0b')).toThrow(UnquotableError);
  });
});

describe('Linux: pkexec', () => {
  it('runs sh -c with a fixed script and every path as a positional argument', () => {
    const cmd = linux.elevatedCommand('/opt/Porthole/resources/app.asar.unpacked/out/cli/porthole.cjs', '/opt/Porthole/porthole', ['watch', '--json']);
    expect(cmd).toEqual({
      command: 'pkexec',
      args: ['/bin/sh', '-c', linux.LAUNCH_SCRIPT, '/opt/Porthole/porthole', '/opt/Porthole/resources/app.asar.unpacked/out/cli/porthole.cjs', 'watch', '--json'],
    });
  });

  it.runIf(posix)('delivers paths with spaces, quotes, $ and backticks byte for byte (pkexec left out)', () => {
    const args = ['watch', '--json', '--output', path.join(dir, '$(touch pwned) `x` "y" \'z\'.jsonl')];
    const { args: argv } = linux.elevatedCommand(weirdCli(), fakeNode, args);
    const seen = execFileSync(argv[0]!, argv.slice(1)).toString('utf8').split('\0').slice(0, -1);
    expect(seen).toEqual(['1', weirdCli(), ...args]);
  });

  it.runIf(posix)('delivers arbitrary arguments (property)', () => {
    fc.assert(
      fc.property(fc.array(nastyString, { maxLength: 6 }), (args) => {
        const { args: argv } = linux.elevatedCommand('/x/cli.cjs', fakeNode, args);
        const seen = execFileSync(argv[0]!, argv.slice(1)).toString('utf8').split('\0').slice(0, -1);
        expect(seen).toEqual(['1', '/x/cli.cjs', ...args]);
      }),
      { numRuns: 40 },
    );
  });

  it('refuses relative paths: pkexec resolves them against root’s PATH, and "-x" reads as an option', () => {
    expect(() => linux.elevatedCommand('out/cli/porthole.cjs', '/usr/bin/node', [])).toThrow(/relative/);
    expect(() => linux.elevatedCommand('/x/cli.cjs', 'node', [])).toThrow(/relative/);
  });

  it('says what pkexec exits mean', () => {
    expect(linux.explainExit({ code: 126, signal: null, stderr: 'Error executing command as another user: Request dismissed\n' })?.message).toBe('Elevation was declined.');
    expect(linux.explainExit({ code: 126, signal: null, stderr: '' })?.reason).toBe('declined');
    const noAgent = linux.explainExit({ code: 127, signal: null, stderr: 'Error executing command as another user: Not authorized\n' });
    expect(noAgent?.reason).toBe('declined');
    expect(noAgent?.message).toMatch(/^Elevation was declined/);
    // sh's own 126/127 (a missing or non-executable node) is not a refusal.
    expect(linux.explainExit({ code: 127, signal: null, stderr: '/bin/sh: 1: exec: /opt/x/porthole: not found\n' })).toBeNull();
    expect(linux.explainExit({ code: 1, signal: null, stderr: 'porthole: boom' })).toBeNull();
    const missing = linux.explainSpawnError(Object.assign(new Error('spawn pkexec ENOENT'), { code: 'ENOENT' }));
    expect(missing.message).toBe('pkexec is not installed: run `sudo porthole` instead.');
    expect(missing.reason).toBe('missing-tool');
  });
});

describe('macOS: osascript "with administrator privileges"', () => {
  const shellOf = (script: string): string => {
    const at = script.indexOf('do shell script ');
    expect(at).toBe(0);
    const { value, end } = readAppleScriptString(script, 'do shell script '.length);
    const rest = script.slice(end);
    expect(rest).toMatch(/^ with prompt "/);
    expect(rest.endsWith(' with administrator privileges')).toBe(true);
    return value;
  };

  it('builds one osascript -e with the shell text as an AppleScript string', () => {
    const cmd = darwin.elevatedCommand('/Applications/Porthole.app/Contents/Resources/app.asar.unpacked/out/cli/porthole.cjs', '/Applications/Porthole.app/Contents/MacOS/Porthole', ['watch', '--json']);
    expect(cmd.command).toBe('/usr/bin/osascript');
    expect(cmd.args[0]).toBe('-e');
    expect(shellOf(cmd.args[1]!)).toBe(
      "ELECTRON_RUN_AS_NODE=1 exec '/Applications/Porthole.app/Contents/MacOS/Porthole' '/Applications/Porthole.app/Contents/Resources/app.asar.unpacked/out/cli/porthole.cjs' 'watch' '--json'",
    );
  });

  it.runIf(posix)('the shell text, once AppleScript has read it, runs the collector with the exact argv', () => {
    const args = ['watch', '--json', '--output', '/tmp/a "b" \\c\\ $d `e`.jsonl'];
    const cmd = darwin.elevatedCommand(weirdCli(), fakeNode, args);
    const seen = execFileSync('/bin/sh', ['-c', shellOf(cmd.args[1]!)]).toString('utf8').split('\0').slice(0, -1);
    expect(seen).toEqual(['1', weirdCli(), ...args]);
  });

  it.runIf(posix)('round-trips arbitrary paths through AppleScript and sh (property)', () => {
    fc.assert(
      fc.property(nastyString, fc.array(nastyString, { maxLength: 4 }), (name, args) => {
        const cli = `/${name}/cli.cjs`;
        const cmd = darwin.elevatedCommand(cli, fakeNode, args);
        const seen = execFileSync('/bin/sh', ['-c', shellOf(cmd.args[1]!)]).toString('utf8').split('\0').slice(0, -1);
        expect(seen).toEqual(['1', cli, ...args]);
      }),
      { numRuns: 40 },
    );
  });

  it('appleScriptString reads back as the same text (property)', () => {
    fc.assert(
      fc.property(nastyString, (text) => {
        expect(readAppleScriptString(appleScriptString(text), 0).value).toBe(text);
      }),
    );
  });

  it('reads "User canceled (-128)" as declined', () => {
    expect(darwin.explainExit({ code: 1, signal: null, stderr: '0:190: execution error: User canceled. (-128)\n' })?.message).toBe('Elevation was declined.');
    expect(darwin.explainExit({ code: 1, signal: null, stderr: '0:190: execution error: porthole: --output: boom (2)\n' })).toBeNull();
  });
});

describe('Windows: UAC via Start-Process -Verb RunAs', () => {
  const cli = "C:\\Users\\Ann O'Neil\\AppData\\Local\\Programs\\Porthole\\resources\\app.asar.unpacked\\out\\cli\\porthole.cjs";
  const node = 'C:\\Users\\Ann O’Neil\\AppData\\Local\\Programs\\Porthole\\Porthole.exe';
  const output = 'C:\\Users\\Ann O‘Neil\\AppData\\Local\\Temp\\porthole-elevated-1-x\\snapshot.jsonl';

  function layers(args: string[]) {
    const cmd = win32.elevatedCommand(cli, node, args, { SystemRoot: 'C:\\Windows' });
    expect(cmd.command).toBe('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
    const flagAt = cmd.args.indexOf('-EncodedCommand');
    expect(cmd.args.slice(0, flagAt)).toEqual(['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass']);
    const outer = decodePowerShell(cmd.args[flagAt + 1]!);
    // Plain ASCII on the real command line: nothing for Windows' argv quoting to get wrong.
    expect(cmd.args.every((a) => /^[-A-Za-z0-9+/=]+$/.test(a))).toBe(true);
    const list = /-ArgumentList (.*)$/m.exec(outer)![1]!;
    const items: string[] = [];
    for (let i = 0; i < list.length; ) {
      const { value, end } = readPsSingleQuoted(list, i);
      items.push(value);
      i = end + (list[end] === ',' ? 1 : 0);
    }
    const inner = decodePowerShell(items[items.indexOf('-EncodedCommand') + 1]!);
    return { outer, items, inner };
  }

  it('asks for RunAs, waits, and turns a declined prompt into exit 1223', () => {
    const { outer, items } = layers(['watch', '--json']);
    expect(outer).toContain('Start-Process');
    expect(outer).toContain('-Verb RunAs');
    expect(outer).toContain('-Wait');
    expect(outer).toContain('exit $p.ExitCode');
    expect(outer).toContain('exit 1223');
    expect(items.slice(0, 4)).toEqual(['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass']);
    expect(items.every((a) => !a.includes(' '))).toBe(true); // Start-Process joins them with spaces, unquoted
  });

  it('the elevated script sets ELECTRON_RUN_AS_NODE and passes every argument as one quoted string', () => {
    const args = ['watch', '--json', '--interval', '1000ms', '--output', output];
    const { inner } = layers(args);
    expect(inner).toMatch(/^\$env:ELECTRON_RUN_AS_NODE = '1'\n/);
    const call = /^& (.*)$/m.exec(inner)![1]!;
    const words: string[] = [];
    for (let i = 0; i < call.length; ) {
      const { value, end } = readPsSingleQuoted(call, i);
      words.push(value);
      i = end + 1;
    }
    expect(words).toEqual([node, cli, ...args]);
    expect(inner).toContain('exit $LASTEXITCODE');
  });

  it('psQuote reads back as the same text, typographic quotes included (property)', () => {
    fc.assert(
      fc.property(nastyString, (text) => {
        expect(readPsSingleQuoted(psQuote(text), 0)).toEqual({ value: text, end: psQuote(text).length });
      }),
    );
  });

  it('refuses a double quote, which no Windows path has and PowerShell 5.1 would pass on wrongly', () => {
    expect(() => win32.elevatedCommand(cli, node, ['a"b'])).toThrow(/double quote/);
  });

  it('reads exit 1223 as declined', () => {
    expect(win32.explainExit({ code: 1223, signal: null, stderr: '' })?.message).toBe('Elevation was declined.');
    expect(win32.explainExit({ code: 1, signal: null, stderr: '' })).toBeNull();
  });
});

it.runIf(posix)('the fake node really is reachable through its odd folder', () => {
  const r = spawnSync(fakeNode, ['x']);
  expect(r.stdout.toString().split('\0')).toEqual(['', 'x', '']);
});
