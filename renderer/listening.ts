// The renderer takes only types from main/core/model.ts (house rule: model.ts is the engine's,
// contract.ts and diff.ts are the shared pure modules), so this mirrors model.ts's isListening.
// test/renderer/listening.test.ts keeps the two in step.
import type { Socket } from '../main/core/model.js';

/** A TCP listener, or a UDP socket bound without a peer (which is how UDP servers "listen"). */
export function isListening(s: Pick<Socket, 'protocol' | 'state'>): boolean {
  return s.protocol === 'tcp' ? s.state === 'LISTEN' : s.state === 'UNCONN';
}
