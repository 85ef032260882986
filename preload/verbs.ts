// The contract's channel names and verb list, restated without zod. The contract module builds its
// schemas at load time, so importing it here would inline all of zod (~170 kB) into a preload that
// only needs these strings. The compiler keeps the two in step: a verb added to or removed from
// the contract, or a renamed channel, fails `npm run typecheck` until this file follows.
import type { IPC, Verb } from '../main/core/contract.js';

export const CHANNELS = { invoke: 'porthole:invoke', event: 'porthole:event' } as const satisfies typeof IPC;

export const BRIDGE_VERBS = [
  'ready',
  'pause',
  'resume',
  'planKill',
  'kill',
  'openExternal',
  'copyText',
  'getSettings',
  'setSettings',
  'diagnose',
  'showMainWindow',
  'showAllOwners',
] as const satisfies readonly Verb[];

type Missing = Exclude<Verb, (typeof BRIDGE_VERBS)[number]>;
const complete: [Missing] extends [never] ? true : { missing: Missing } = true;
void complete;

const known: ReadonlySet<string> = new Set(BRIDGE_VERBS);

export function isBridgeVerb(name: unknown): name is Verb {
  return typeof name === 'string' && known.has(name);
}
