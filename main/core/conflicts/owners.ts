// Who holds a port, judged against what the port is known for ('unexpected-owner') and against
// the ports the user pinned ('watched-taken').
import type { Conflict, ProcessInfo, Protocol } from '../model.js';
import { expectedPrograms, isExpectedOwner } from '../services/expected-owners.js';
import { relayOf } from '../services/relays.js';
import { compareParties, draft, type Listener } from './draft.js';
import { joinAnd, type Party } from './parties.js';

export function unexpectedOwnerConflicts(
  protocol: Protocol,
  port: number,
  listeners: readonly Listener[],
  processes: ReadonlyMap<number, ProcessInfo>,
): Conflict[] {
  const expectation = expectedPrograms(port, protocol);
  if (!expectation) return [];
  const label = `Port ${port}${protocol === 'udp' ? '/udp' : ''}`;
  const expected = expectation.programs[0] ?? expectation.service;
  const out: Conflict[] = [];
  for (const [party, mine] of byParty(listeners)) {
    // An owner we cannot see (hidden, kernel, not described) might be exactly the right program.
    const procs = party.pids.map((pid) => processes.get(pid)).filter((p): p is ProcessInfo => p !== undefined);
    if (procs.length === 0 || procs.some((p) => isExpectedOwner(expectation, p))) continue;
    const sockets = mine.map((l) => l.socket);
    const relay = procs.map(relayOf).find((r) => r !== null);
    if (relay) {
      const reason =
        relay.kind === 'tunnel'
          ? `${label} (${expectation.service}) is forwarded by ${party.full} through ${relay.via}: clients reach whatever is at the other end, not a local ${expected}.`
          : `${label} (${expectation.service}) is published by ${party.full} from ${relay.via}: the service inside answers there, not a local ${expected}.`;
      out.push(draft('unexpected-owner', protocol, port, [party], sockets, reason, 'info'));
    } else {
      const reason = `${label} is ${expectation.service}'s, but it is held by ${party.full}, not ${expected}.`;
      out.push(draft('unexpected-owner', protocol, port, [party], sockets, reason, 'warning'));
    }
  }
  return out;
}

export function watchedConflict(protocol: Protocol, port: number, listeners: readonly Listener[]): Conflict | null {
  if (listeners.length === 0) return null;
  const parties = [...byParty(listeners).keys()].sort(compareParties);
  const reason = `Watched port ${port}${protocol === 'udp' ? '/udp' : ''} is taken by ${joinAnd(parties.map((p) => p.full))}.`;
  return draft('watched-taken', protocol, port, parties, listeners.map((l) => l.socket), reason, 'info');
}

function byParty(listeners: readonly Listener[]): Map<Party, Listener[]> {
  const map = new Map<Party, Listener[]>();
  for (const l of listeners) {
    const list = map.get(l.party);
    if (list) list.push(l);
    else map.set(l.party, [l]);
  }
  return map;
}
