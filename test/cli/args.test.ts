// The command-line grammar on its own: what each argv means, and that no argv can make it fail
// other than with a usage error (the CLI tests run the real command for the exit codes).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HelpRequested, parseCommand, UsageError } from '../../main/cli/args.js';
import { closest, editDistance } from '../../main/cli/suggest.js';

describe('options may come before the command or the port', () => {
  const same: Array<[string[], string[]]> = [
    [['--json', '3000'], ['3000', '--json']],
    [['--json', ':3000'], [':3000', '--json']],
    [['--json', 'why', '3000', '--udp'], ['why', '3000', '--json', '--udp']],
    [['--json', 'list', '--listening'], ['list', '--listening', '--json']],
    [['-l', '--json'], ['list', '-l', '--json']],
    [['--json', 'kill', 'pid:42', '--yes', '--tree'], ['kill', 'pid:42', '--json', '--yes', '--tree']],
    [['--json', '--output', 'changes.json', 'watch', '3000'], ['watch', '3000', '--json', '--output', 'changes.json']],
    [['--output=changes.json', '--json', 'watch'], ['watch', '--json', '--output=changes.json']],
    [['--', '3000'], ['3000']],
  ];
  it.each(same)('%j means %j', (before, after) => {
    expect(parseCommand(before)).toEqual(parseCommand(after));
  });

  it('with no command or port after them, they are options of `list`', () => {
    expect(parseCommand(['--json'])).toEqual({ name: 'list', listening: false, json: true });
    expect(parseCommand(['--listening', '--json'])).toEqual({ name: 'list', listening: true, json: true });
    // The value of --output is not a command, even when it looks like one.
    expect(parseCommand(['--json', '--output', 'why'])).toEqual({ name: 'list', listening: false, json: true, output: 'why' });
  });

  it('an option the command does not have is still refused', () => {
    expect(() => parseCommand(['--force', '3000'])).toThrow(/port: unknown option --force/);
    expect(() => parseCommand(['--bogus', 'why', '3000'])).toThrow(/why: unknown option --bogus/);
  });

  it('after --, a word that starts with a dash is not an option', () => {
    expect(() => parseCommand(['--', '--json'])).toThrow(/unknown command "--json"/);
  });
});

describe('help, version and option values', () => {
  it('--help after a command asks for help, even without its port', () => {
    for (const argv of [['kill', '--help'], ['why', '-h'], ['watch', '--help'], ['3000', '--help']]) expect(() => parseCommand(argv)).toThrow(HelpRequested);
  });

  it('help may name a command; any other word after help or version is refused', () => {
    expect(parseCommand(['help', 'kill'])).toEqual({ name: 'help' });
    expect(() => parseCommand(['help', 'zzz'])).toThrow(new UsageError('help: unexpected argument "zzz"'));
    expect(() => parseCommand(['help', 'kill', 'x'])).toThrow(new UsageError('help: unexpected argument "x"'));
    expect(() => parseCommand(['--version', 'extra'])).toThrow(new UsageError('version: unexpected argument "extra"'));
  });

  it('a value that starts with a dash gets one line saying how to write it', () => {
    expect(() => parseCommand(['watch', '--interval', '-1s'])).toThrow(new UsageError('watch: --interval needs a value; one that starts with "-" is written --interval=VALUE'));
    expect(() => parseCommand(['serve', '--port=-5'])).toThrow(new UsageError('"-5" is not a port number (expected 1-65535)'));
  });

  it('--interval takes ms, s, m and h, from 250ms to 1h', () => {
    expect(parseCommand(['watch', '--interval', '1h'])).toMatchObject({ intervalMs: 3_600_000 });
    expect(parseCommand(['watch', '--interval', '2m'])).toMatchObject({ intervalMs: 120_000 });
    expect(parseCommand(['watch', '--interval', '1.5'])).toMatchObject({ intervalMs: 1500 });
    expect(() => parseCommand(['watch', '--interval', '2h'])).toThrow(/between 250ms and 1h/);
    expect(() => parseCommand(['watch', '--interval', '1d'])).toThrow(/is not a duration/);
  });
});

describe('a typo gets the word it most likely stands for', () => {
  it.each([
    ['kil 3000', 'unknown command "kil" (did you mean "kill"? try: porthole help)'],
    ['lsit', 'unknown command "lsit" (did you mean "list"? try: porthole help)'],
    ['wathc 3000', 'unknown command "wathc" (did you mean "watch"? try: porthole help)'],
    ['verison', 'unknown command "verison" (did you mean "version"? try: porthole help)'],
    ['frobnicate', 'unknown command "frobnicate" (try: porthole help)'],
    ['--listenin', 'list: unknown option --listenin (did you mean --listening?)'],
    ['kill 3000 --froce', 'kill: unknown option --froce (did you mean --force?)'],
    ['why 3000 --upd', 'why: unknown option --upd (did you mean --udp?)'],
    ['list --jsn', 'list: unknown option --jsn (did you mean --json?)'],
    // Another command's option: say whose, so `porthole 3000 --force` leads to `porthole kill 3000 --force`.
    ['3000 --force', 'port: unknown option --force (--force is an option of kill)'],
    ['watch --port 3000', 'watch: unknown option --port (--port is an option of serve)'],
    ['list --bogus', 'list: unknown option --bogus'],
  ])('%s', (argv, message) => {
    expect(() => parseCommand(argv.split(' '))).toThrow(new UsageError(message));
  });

  it('guesses only when one word is clearly closest', () => {
    expect(editDistance('kil', 'kill')).toBe(1);
    expect(editDistance('wathc', 'watch')).toBe(1); // one swap
    expect(editDistance('', 'why')).toBe(3);
    expect(closest('wy', ['why', 'way'])).toBeUndefined(); // a tie is no help
    expect(closest('lst', ['list', 'kill'])).toBe('list');
    expect(closest('kl', ['kill'])).toBeUndefined(); // two edits in a short word: too far
    expect(closest('listning', ['listening'])).toBe('listening');
    expect(closest('list', ['list'])).toBeUndefined(); // itself is not a suggestion
  });
});

describe('words that look like a port but are not one', () => {
  it.each(['3e3', '0x50', '+80', '80.0', ' 80', ':80x', '1_000'])('%j: says it is not a port number', (word) => {
    expect(() => parseCommand([word])).toThrow(UsageError);
    expect(() => parseCommand([word])).toThrow(/is not a port number/);
  });

  it('a word that is no number at all is an unknown command', () => {
    expect(() => parseCommand(['http'])).toThrow(/unknown command "http"/);
    expect(() => parseCommand(['-'])).toThrow(/unknown command "-"/);
  });
});

describe('any argv', () => {
  const word = fc.oneof(
    fc.constantFrom('list', 'why', 'kill', 'watch', 'serve', 'help', '--json', '--listening', '-l', '--output', '--interval', '--port', '--yes', '--tree', '--', '-', '--help', 'pid:1', ':80', '3000', '65536'),
    fc.string({ maxLength: 12 }),
    fc.integer({ min: -5, max: 70_000 }).map(String),
  );

  it('gives a command or a usage error, never anything else', () => {
    fc.assert(
      fc.property(fc.array(word, { maxLength: 8 }), (argv) => {
        try {
          const command = parseCommand(argv);
          expect(typeof command.name).toBe('string');
        } catch (error) {
          if (!(error instanceof UsageError || error instanceof HelpRequested)) throw error;
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('a port query means the same wherever its options stand', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 65_535 }), fc.integer({ min: 0, max: 1 }), (port, at) => {
        const argv = [String(port)];
        argv.splice(at, 0, '--json');
        expect(parseCommand(argv)).toEqual({ name: 'port', port, json: true });
      }),
    );
  });
});
