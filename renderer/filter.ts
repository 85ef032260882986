// The filter box language: free text plus a few `key:value` tokens and bare flags, all ANDed.
// Pure: parse, format and compile to a predicate. Unknown keys fall back to free text (never an
// error: a half-typed filter must still show something) and come back as a hint.
import type { ProcessInfo, Socket } from '../main/core/model.js';
import { isListening } from '../main/core/model.js';
import { processSearchText, socketSearchText } from './search-text.js';

export type FilterFlag = 'udp' | 'tcp' | 'v4' | 'v6' | 'conflict' | 'hidden';

export type FilterToken =
  | { kind: 'text'; value: string }
  | { kind: 'port'; port: number }
  | { kind: 'pid'; pid: number }
  | { kind: 'proc'; name: string }
  | { kind: 'state'; state: string }
  | { kind: 'flag'; flag: FilterFlag };

export interface ParsedFilter {
  tokens: FilterToken[];
  /** Things the user may want to know: an unknown key, a port that is not a number. */
  hints: string[];
}

const FLAGS: ReadonlySet<string> = new Set<FilterFlag>(['udp', 'tcp', 'v4', 'v6', 'conflict', 'hidden']);
const KEYS = ['port', 'pid', 'proc', 'state'] as const;
type Key = (typeof KEYS)[number];

// A double-quoted phrase (closing quote optional while typing) or a run of non-space characters.
const WORD = /"([^"]*)"?|(\S+)/g;

export function parseFilter(input: string): ParsedFilter {
  const tokens: FilterToken[] = [];
  const hints: string[] = [];
  for (const m of input.matchAll(WORD)) {
    if (m[1] !== undefined) {
      const phrase = m[1].trim().replace(/\s+/g, ' ');
      if (phrase) tokens.push({ kind: 'text', value: phrase });
      continue;
    }
    const { token, hint } = parseWord(m[2]!);
    tokens.push(token);
    if (hint && !hints.includes(hint)) hints.push(hint);
  }
  return { tokens, hints };
}

function parseWord(word: string): { token: FilterToken; hint?: string } {
  const lower = word.toLowerCase();
  if (FLAGS.has(lower)) return { token: { kind: 'flag', flag: lower as FilterFlag } };
  // Letters only before the colon, so addresses ("::1", "fe80::1", "127.0.0.1:80") stay text.
  const kv = /^([a-z]+):(.*)$/i.exec(word);
  if (!kv) return { token: { kind: 'text', value: word } };
  const key = kv[1]!.toLowerCase();
  const value = kv[2]!;
  if (!(KEYS as readonly string[]).includes(key)) {
    if (value.startsWith(':')) return { token: { kind: 'text', value: word } };
    return { token: { kind: 'text', value: word }, hint: `Unknown filter "${key}:" matched as text. Try ${KEYS.map((k) => `${k}:`).join(' ')}` };
  }
  const parsed = parseKeyed(key as Key, value);
  if (parsed) return { token: parsed };
  return { token: { kind: 'text', value: word }, hint: badValueHint(key as Key) };
}

function parseKeyed(key: Key, value: string): FilterToken | null {
  switch (key) {
    case 'port': {
      const n = toInt(value);
      return n !== null && n >= 0 && n <= 65535 ? { kind: 'port', port: n } : null;
    }
    case 'pid': {
      const n = toInt(value);
      return n !== null && n >= 0 ? { kind: 'pid', pid: n } : null;
    }
    case 'proc':
      return value ? { kind: 'proc', name: value.toLowerCase() } : null;
    case 'state': {
      const state = value.toUpperCase().replace(/-/g, '_');
      return /^[A-Z_0-9]+$/.test(state) ? { kind: 'state', state } : null;
    }
  }
}

function badValueHint(key: Key): string {
  switch (key) {
    case 'port':
      return 'port: takes a number from 0 to 65535, e.g. port:3000';
    case 'pid':
      return 'pid: takes a process id, e.g. pid:4821';
    case 'proc':
      return 'proc: takes a process name, e.g. proc:node';
    case 'state':
      return 'state: takes a socket state, e.g. state:listen or state:time_wait';
  }
}

function toInt(s: string): number | null {
  if (!/^\d{1,10}$/.test(s)) return null;
  return Number(s);
}

/** The canonical text of a parsed filter; parsing it again gives the same tokens. */
export function formatFilter(filter: Pick<ParsedFilter, 'tokens'>): string {
  return filter.tokens.map(formatToken).join(' ');
}

function formatToken(t: FilterToken): string {
  switch (t.kind) {
    case 'flag':
      return t.flag;
    case 'port':
      return `port:${t.port}`;
    case 'pid':
      return `pid:${t.pid}`;
    case 'proc':
      return `proc:${t.name}`;
    case 'state':
      return `state:${t.state.toLowerCase()}`;
    case 'text': {
      // Bare only when the bare word reads back as this same text; otherwise quote it.
      if (!/\s/.test(t.value) && !t.value.startsWith('"')) {
        const back = parseWord(t.value).token;
        if (back.kind === 'text' && back.value === t.value) return t.value;
      }
      return `"${t.value}"`;
    }
  }
}

/** The port a filter pins, when it pins exactly one: used to say ":3000 is free". */
export function pinnedPort(filter: ParsedFilter): number | null {
  const ports = filter.tokens.filter((t): t is Extract<FilterToken, { kind: 'port' }> => t.kind === 'port');
  return ports.length === 1 ? ports[0]!.port : null;
}

export interface MatchContext {
  processes: ReadonlyMap<number, ProcessInfo>;
  conflictKeys: ReadonlySet<string>;
}

/**
 * Compile once per filter change; the returned predicate is called per socket, so it does no
 * parsing and no allocation: free text is one `includes` against a cached lower-case string.
 */
export function compileFilter(filter: ParsedFilter, ctx: MatchContext): ((s: Socket) => boolean) | null {
  if (filter.tokens.length === 0) return null;
  const tests = filter.tokens.filter((t) => t.kind !== 'text').map((t) => tokenTest(t, ctx));
  // Free text: each word matches the socket's own text or one of its processes. Processes are few
  // (hundreds) and sockets many (thousands): decide per process once, here, not per socket.
  const words = filter.tokens.flatMap((t) => (t.kind === 'text' ? [t.value.toLowerCase()] : []));
  const byProcess = words.map((w) => {
    const pids = new Set<number>();
    for (const p of ctx.processes.values()) if (processSearchText(p).includes(w)) pids.add(p.pid);
    return pids;
  });
  return (s) => {
    for (let i = 0; i < tests.length; i++) if (!tests[i]!(s)) return false;
    if (words.length === 0) return true;
    const text = socketSearchText(s);
    for (let i = 0; i < words.length; i++) {
      if (text.includes(words[i]!)) continue;
      if (!hasAny(s.pids, byProcess[i]!)) return false;
    }
    return true;
  };
}

function tokenTest(t: FilterToken, ctx: MatchContext): (s: Socket) => boolean {
  switch (t.kind) {
    case 'flag':
      return flagTest(t.flag, ctx);
    case 'port':
      return (s) => s.localPort === t.port || s.remotePort === t.port;
    case 'pid':
      return (s) => s.pids.includes(t.pid);
    case 'proc': {
      const pids = new Set<number>();
      for (const p of ctx.processes.values()) if (p.name.toLowerCase().includes(t.name)) pids.add(p.pid);
      return (s) => hasAny(s.pids, pids);
    }
    case 'state':
      if (t.state === 'LISTEN' || t.state === 'LISTENING') return isListening;
      return (s) => s.state === t.state || s.state.replace(/_/g, '') === t.state.replace(/_/g, '');
    case 'text':
      return () => true; // compileFilter handles free text in one pass
  }
}

function hasAny(pids: readonly number[], set: ReadonlySet<number>): boolean {
  if (set.size === 0) return false;
  for (let i = 0; i < pids.length; i++) if (set.has(pids[i]!)) return true;
  return false;
}

function flagTest(flag: FilterFlag, ctx: MatchContext): (s: Socket) => boolean {
  switch (flag) {
    case 'udp':
      return (s) => s.protocol === 'udp';
    case 'tcp':
      return (s) => s.protocol === 'tcp';
    case 'v4':
      return (s) => s.family === 4;
    case 'v6':
      return (s) => s.family === 6;
    case 'conflict':
      return (s) => ctx.conflictKeys.has(s.key);
    case 'hidden':
      return (s) => s.owner === 'hidden';
  }
}
