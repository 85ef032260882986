// Command-line grammar. Everything the user typed is checked here, before anything runs, so a
// typo gets one clear line and exit code 2 and never a half-done action.
import { parseArgs } from 'node:util';
import { closest } from './suggest.js';

export type Command =
  | { name: 'list'; listening: boolean; json: boolean; output?: string }
  | { name: 'port'; port: number; json: boolean }
  | { name: 'why'; port: number; json: boolean; udp: boolean }
  | { name: 'kill'; target: { port: number } | { pid: number }; force: boolean; tree: boolean; yes: boolean; json: boolean }
  | { name: 'watch'; ports: number[]; json: boolean; intervalMs: number; output?: string }
  | { name: 'serve'; port: number; open: boolean }
  | { name: 'help' }
  | { name: 'version' };

export class UsageError extends Error {
  override name = 'UsageError';
}

interface FlagSpec {
  type: 'boolean' | 'string';
  short?: string;
}

const COMMON: Record<string, FlagSpec> = { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } };
const FLAGS: Record<string, Record<string, FlagSpec>> = {
  list: { ...COMMON, listening: { type: 'boolean', short: 'l' }, output: { type: 'string' } },
  port: COMMON,
  why: { ...COMMON, udp: { type: 'boolean' } },
  kill: { ...COMMON, force: { type: 'boolean', short: 'f' }, tree: { type: 'boolean' }, yes: { type: 'boolean', short: 'y' } },
  watch: { ...COMMON, interval: { type: 'string' }, output: { type: 'string' } },
  serve: { help: COMMON.help!, port: { type: 'string' }, open: { type: 'boolean' } },
};

const SUBCOMMANDS = new Set(['list', 'why', 'kill', 'watch', 'serve', 'help']);

export function parseCommand(argv: string[]): Command {
  const first = argv[0];
  if (first === '--version' || first === '-v' || first === 'version') {
    if (argv.length > 1) throw new UsageError(`version: unexpected argument "${argv[1]}"`);
    return { name: 'version' };
  }
  if (first === undefined) return { name: 'list', listening: false, json: false };
  if (first === '--help' || first === '-h' || first === 'help') {
    // `porthole help kill` reads naturally; anything else after help is a typo worth saying.
    const extra = argv.slice(1).filter((word, i) => !(i === 0 && SUBCOMMANDS.has(word)) && !word.startsWith('-'));
    if (extra.length > 0) throw new UsageError(`help: unexpected argument "${extra[0]!}"`);
    return { name: 'help' };
  }
  if (first.startsWith('-') && first !== '-') {
    // Options may come first: `porthole --json 3000`, `porthole --json why 3000`. With no command
    // or port after them, `porthole --json` and `porthole --listening` mean `porthole list ...`.
    const at = firstPositional(argv);
    if (at === undefined) return parseList(argv);
    if (argv[at - 1] === '--' && argv[at]!.startsWith('-')) throw new UsageError(`unknown command "${argv[at]}" (try: porthole help)`);
    return parseCommand([argv[at]!, ...argv.slice(0, at), ...argv.slice(at + 1)]);
  }
  if (SUBCOMMANDS.has(first)) {
    const rest = argv.slice(1);
    switch (first) {
      case 'list':
        return parseList(rest);
      case 'why':
        return parseWhy(rest);
      case 'kill':
        return parseKill(rest);
      case 'watch':
        return parseWatch(rest);
      case 'serve':
        return parseServe(rest);
    }
  }
  if (/^\d+$/.test(first) || /^:\d+$/.test(first)) return parsePortQuery(argv);
  // "3e3", "0x50", "+80", "80.0": meant as a port, so say what is wrong with it (parsePort throws).
  if (/^\s*[+:]?\d/.test(first)) parsePort(first);
  const meant = closest(first, [...SUBCOMMANDS, 'version']);
  throw new UsageError(`unknown command "${first}" (${meant ? `did you mean "${meant}"? ` : ''}try: porthole help)`);
}

/** Where the first word that is not an option (nor an option's value) is, if any. */
function firstPositional(argv: string[]): number | undefined {
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--') return i + 1 < argv.length ? i + 1 : undefined;
    if (!word.startsWith('-') || word === '-') return i;
    // A string option written as two words: skip its value too.
    if (!word.includes('=') && STRING_OPTIONS.has(word.replace(/^--?/, ''))) i++;
  }
  return undefined;
}

/** Options of any command that take a value. */
const STRING_OPTIONS = new Set(
  Object.values(FLAGS).flatMap((flags) => Object.entries(flags).filter(([, spec]) => spec.type === 'string').map(([name]) => name)),
);

function parse(command: string, args: string[], positionals: { min: number; max: number; what: string }) {
  let parsed;
  try {
    parsed = parseArgs({ args, options: FLAGS[command]!, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${command}: ${cleanParseError((error as Error).message)}${optionHint(command, (error as Error).message)}`);
  }
  // Before the count: `porthole kill --help` asks for help, not for a port.
  if (parsed.values.help) throw new HelpRequested();
  const count = parsed.positionals.length;
  if (count < positionals.min) throw new UsageError(`${command}: missing ${positionals.what}`);
  if (count > positionals.max) throw new UsageError(`${command}: unexpected argument "${parsed.positionals[positionals.max]}"`);
  return parsed as { values: Record<string, string | boolean | undefined>; positionals: string[] };
}

/** Thrown when --help follows a command: print usage, exit 0. */
export class HelpRequested extends Error {}

function parseList(args: string[]): Command {
  const { values } = parse('list', args, { min: 0, max: 0, what: '' });
  return { name: 'list', listening: values.listening === true, json: values.json === true, ...(typeof values.output === 'string' ? { output: values.output } : {}) };
}

function parsePortQuery(args: string[]): Command {
  const { values, positionals } = parse('port', args, { min: 1, max: 1, what: 'PORT' });
  return { name: 'port', port: parsePort(positionals[0]!), json: values.json === true };
}

function parseWhy(args: string[]): Command {
  const { values, positionals } = parse('why', args, { min: 1, max: 1, what: 'PORT (porthole why 3000)' });
  return { name: 'why', port: parsePort(positionals[0]!), json: values.json === true, udp: values.udp === true };
}

function parseKill(args: string[]): Command {
  const { values, positionals } = parse('kill', args, { min: 1, max: 1, what: 'PORT or pid:PID (porthole kill 3000)' });
  const text = positionals[0]!;
  const target = text.startsWith('pid:') ? { pid: parsePid(text.slice(4)) } : { port: parsePort(text) };
  return {
    name: 'kill',
    target,
    force: values.force === true,
    tree: values.tree === true,
    yes: values.yes === true,
    json: values.json === true,
  };
}

function parseWatch(args: string[]): Command {
  const { values, positionals } = parse('watch', args, { min: 0, max: 64, what: '' });
  const interval = values.interval === undefined ? 1000 : parseInterval(String(values.interval));
  return { name: 'watch', ports: [...new Set(positionals.map((p) => parsePort(p)))], json: values.json === true, intervalMs: interval, ...(typeof values.output === 'string' ? { output: values.output } : {}) };
}

function parseServe(args: string[]): Command {
  const { values } = parse('serve', args, { min: 0, max: 0, what: '' });
  // Port 0 asks the OS for a free port, which is the safe default.
  const port = values.port === undefined ? 0 : parsePort(String(values.port), true);
  return { name: 'serve', port, open: values.open === true };
}

export function parsePort(text: string, allowZero = false): number {
  const digits = text.startsWith(':') ? text.slice(1) : text;
  if (!/^\d+$/.test(digits)) throw new UsageError(`"${text}" is not a port number (expected 1-65535)`);
  const port = Number(digits);
  if (port > 65535 || (port === 0 && !allowZero)) throw new UsageError(`port ${digits} is out of range (expected 1-65535)`);
  return port;
}

function parsePid(text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`"pid:${text}" is not a process id (expected pid:1234)`);
  const pid = Number(text);
  if (!Number.isSafeInteger(pid) || pid < 1) throw new UsageError(`pid ${text} is out of range`);
  return pid;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function parseInterval(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text);
  if (!match) throw new UsageError(`--interval "${text}" is not a duration (e.g. 500ms, 2s, 1m)`);
  const ms = Number(match[1]) * UNIT_MS[match[2] ?? 's']!;
  if (ms < 250 || ms > 3_600_000) throw new UsageError(`--interval must be between 250ms and 1h`);
  return ms;
}

/**
 * For an unknown option: the command's own option it most likely stands for, or the commands it
 * belongs to when it is another command's (`porthole 3000 --force` means `porthole kill 3000 --force`).
 */
function optionHint(command: string, message: string): string {
  const name = /^Unknown option '--?([^']+)'/.exec(message)?.[1];
  if (name === undefined) return '';
  const own = closest(name, Object.keys(FLAGS[command]!));
  if (own !== undefined) return ` (did you mean --${own}?)`;
  const owners = Object.keys(FLAGS).filter((other) => other !== command && other !== 'port' && name in FLAGS[other]!);
  return owners.length > 0 ? ` (--${name} is an option of ${owners.join(' and ')})` : '';
}

/** Node's parseArgs messages mention internals ("To specify a positional argument..."): keep the first sentence. */
function cleanParseError(message: string): string {
  const first = message.split(/\.\s/)[0] ?? message;
  return first
    .replace(/^Unknown option '(.+)'$/, 'unknown option $1')
    .replace(/^Option '(.+?)' argument is ambiguous$/, (_, option: string) => `${option} needs a value; one that starts with "-" is written ${option}=VALUE`)
    .replace(/^Option '(.+?)'.*$/, (m) => m.toLowerCase());
}

export const USAGE = `porthole - who holds that port?

Usage:
  porthole [list] [--listening] [--json]     every socket and its owner
  porthole PORT [--json]                     who holds PORT (exit 0 held, 1 free)
  porthole why PORT [--udp] [--json]         would a bind to PORT fail now, and why
  porthole kill PORT|pid:PID [--force] [--tree] [--yes] [--json]
                                             stop what holds PORT, then check it is free
  porthole watch [PORT...] [--interval 1s] [--json]
                                             stream changes until Ctrl+C
  porthole serve [--port N] [--open]         the app in your browser, on 127.0.0.1 only

Options:
  --json        machine-readable output (documented in README.md)
  --listening   only listening TCP sockets and bound UDP sockets
  --force       ${process.platform === 'win32' ? 'end it with taskkill /F when Ctrl+C is not enough' : 'escalate to SIGKILL when SIGTERM is not enough'}
  --tree        also stop the process's children
  --yes         do not ask for confirmation (required when stdin is not a terminal)

Exit codes: 0 ok, 1 "no" (port free / still held / not bindable), 2 bad arguments, 3 refused or declined,
4 could not find out (the system's tools failed).`;
