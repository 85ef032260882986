// Different parties on one protocol+port whose addresses compete for the same connections
// ('address-overlap'), or that split "localhost" between IPv4 and IPv6 ('dual-stack-split').
import type { Conflict, Protocol, Socket } from '../model.js';
import { dialText, endpoint, localhostRank, overlapOf, type BindAddress } from './bind-address.js';
import { compareParties, draft, type Listener } from './draft.js';
import { joinAnd, type Party } from './parties.js';

/**
 * Multicast discovery ports: every process joins the group and gets its own copy of each datagram,
 * so a dozen programs on 0.0.0.0:5353 (Chrome, Spotify, avahi) is how it is meant to work.
 */
const SHARED_UDP_PORTS: ReadonlySet<number> = new Set([67, 68, 137, 138, 546, 547, 1900, 3702, 5353, 5355]);

interface Binding {
  party: Party;
  bind: BindAddress;
  sockets: Socket[];
}

interface PairFacts {
  a: Party;
  b: Party;
  same: [Binding, Binding][];
  wider: { wide: Binding; narrow: Binding }[];
  families: { v4: Binding; dual: Binding }[];
}

export function overlapConflicts(protocol: Protocol, port: number, listeners: readonly Listener[]): Conflict[] {
  if (protocol === 'udp' && SHARED_UDP_PORTS.has(port)) return [];
  const bindings = collapse(listeners);
  if (bindings.length < 2) return [];

  const pairs = new Map<string, PairFacts>();
  const factsFor = (x: Party, y: Party): PairFacts => {
    const [a, b] = compareParties(x, y) <= 0 ? [x, y] : [y, x];
    const key = `${a.id}\n${b.id}`;
    let facts = pairs.get(key);
    if (!facts) {
      facts = { a, b, same: [], wider: [], families: [] };
      pairs.set(key, facts);
    }
    return facts;
  };

  // Same address: group by address so only holders of one address are compared with each other.
  const byAddress = new Map<string, Binding[]>();
  for (const b of bindings) {
    const key = `${b.bind.scope}|${b.bind.id}`;
    const list = byAddress.get(key);
    if (list) list.push(b);
    else byAddress.set(key, [b]);
  }
  for (const holders of byAddress.values()) {
    for (let i = 0; i < holders.length; i++) {
      for (let j = i + 1; j < holders.length; j++) {
        const x = holders[i]!;
        const y = holders[j]!;
        if (x.bind.multicast || isWorkerPair(x.party, y.party)) continue;
        factsFor(x.party, y.party).same.push([x, y]);
      }
    }
  }

  // Wildcards against everything else: wildcards are few, so this stays linear in the bindings.
  for (const w of bindings) {
    if (w.bind.scope !== 'any4' && w.bind.scope !== 'any6') continue;
    for (const other of bindings) {
      if (other.party === w.party) continue;
      const o = overlapOf(w.bind, other.bind);
      if (o?.shape === 'wider' && o.wide === 'a') factsFor(w.party, other.party).wider.push({ wide: w, narrow: other });
      else if (o?.shape === 'families' && o.v4 === 'a') factsFor(w.party, other.party).families.push({ v4: w, dual: other });
    }
  }

  const out: Conflict[] = [];
  for (const facts of pairs.values()) out.push(overlapConflict(protocol, port, facts));
  const split = splitConflict(protocol, port, bindings, pairs);
  if (split) out.push(split);
  return out;
}

/** Sibling processes of one program holding the same address are an SO_REUSEPORT worker group. */
export function isWorkerPair(a: Party, b: Party): boolean {
  return a.siblingKey !== null && a.siblingKey === b.siblingKey;
}

function collapse(listeners: readonly Listener[]): Binding[] {
  const map = new Map<string, Binding>();
  for (const l of listeners) {
    const key = `${l.party.id}\n${l.bind.scope}|${l.bind.id}`;
    const b = map.get(key);
    if (b) b.sockets.push(l.socket);
    else map.set(key, { party: l.party, bind: l.bind, sockets: [l.socket] });
  }
  return [...map.values()];
}

function overlapConflict(protocol: Protocol, port: number, f: PairFacts): Conflict {
  // The wider party leads ("node listens on 0.0.0.0 and python3 on 127.0.0.1"), as in the example
  // everyone has seen; otherwise the IPv4 one, otherwise the lower pid.
  const leader = f.wider[0]?.wide.party ?? f.families[0]?.v4.party ?? f.a;
  const [first, second] = leader === f.a ? [f.a, f.b] : [f.b, f.a];
  const involved: Binding[] = [
    ...f.same.flat(),
    ...f.wider.flatMap((w) => [w.wide, w.narrow]),
    ...f.families.flatMap((x) => [x.v4, x.dual]),
  ];
  const endpointsOf = (p: Party): string[] => [
    ...new Set(involved.filter((b) => b.party === p).map((b) => endpoint(b.bind.text, port) + (b.bind.dualStack ? ' (IPv4 and IPv6)' : ''))),
  ];
  const traffic = protocol === 'tcp' ? 'connections' : 'datagrams';
  const clauses: string[] = [];
  if (f.same.length > 0) {
    clauses.push(`new ${traffic} to ${joinAnd(unique(f.same.map(([x]) => dialText(x.bind))))} go to either one, unpredictably`);
  }
  const name = shortNames(first, second);
  const directions = [second, first].map((narrowParty) => f.wider.filter((w) => w.narrow.party === narrowParty)).filter((c) => c.length > 0);
  for (const covered of directions) {
    const wide = covered[0]!.wide;
    // When each side is wider somewhere, "everything else" alone would contradict itself.
    const rest = directions.length < 2 || wide.bind.dualStack ? 'everything else reaches' : `other IPv${wide.bind.scope === 'any4' ? 4 : 6} ${traffic} reach`;
    clauses.push(`${traffic} to ${joinAnd(unique(covered.map((w) => dialText(w.narrow.bind))))} reach ${name(covered[0]!.narrow.party)}, ${rest} ${name(wide.party)}`);
  }
  if (f.families.length > 0) {
    const { v4, dual } = f.families[0]!;
    clauses.push(`IPv4 ${traffic} reach ${name(v4.party)}, IPv6 ${traffic} reach ${name(dual.party)}`);
  }

  const a = endpointsOf(first);
  const b = endpointsOf(second);
  const onlySame = f.wider.length === 0 && f.families.length === 0 && sameList(a, b);
  const lead = onlySame
    ? `${first.full} and ${second.full} both listen on ${joinAnd(a)}`
    : `${first.full} listens on ${joinAnd(a)}${a.length > 1 ? ',' : ''} and ${second.full} on ${joinAnd(b)}`;
  const sockets = involved.flatMap((x) => x.sockets);
  return draft('address-overlap', protocol, port, [first, second], sockets, `${lead}${udp(protocol)}: ${clauses.join('; ')}.`, 'warning');
}

function splitConflict(protocol: Protocol, port: number, bindings: readonly Binding[], pairs: ReadonlyMap<string, PairFacts>): Conflict | null {
  const v4 = best(bindings, 4);
  const v6 = best(bindings, 6);
  if (!v4 || !v6 || v4.party === v6.party) return null;
  // Overlapping pairs already have a sentence that says who gets what.
  const [a, b] = compareParties(v4.party, v6.party) <= 0 ? [v4.party, v6.party] : [v6.party, v4.party];
  if (pairs.has(`${a.id}\n${b.id}`)) return null;
  const reason =
    `localhost:${port}${udp(protocol)} reaches ${v4.party.full} over IPv4 (${endpoint(v4.bind.text, port)}) ` +
    `but ${v6.party.full} over IPv6 (${endpoint(v6.bind.text, port)}), depending on how localhost resolves.`;
  return draft('dual-stack-split', protocol, port, [v4.party, v6.party], [...v4.sockets, ...v6.sockets], reason, 'warning');
}

/** The one binding that answers localhost over a family, or null when none does or several tie. */
function best(bindings: readonly Binding[], over: 4 | 6): Binding | null {
  let top = 0;
  let winners: Binding[] = [];
  for (const b of bindings) {
    const rank = localhostRank(b.bind, over);
    if (rank === 0 || rank < top) continue;
    if (rank > top) {
      top = rank;
      winners = [b];
    } else winners.push(b);
  }
  const first = winners[0];
  if (!first || winners.some((w) => w.party !== first.party)) return null;
  return first;
}

/** Short names, made distinct when both parties run the same program ("node (pid 1)" vs "node (pid 2)"). */
function shortNames(a: Party, b: Party): (p: Party) => string {
  if (a.short !== b.short) return (p) => p.short;
  return (p) => (p.pids.length > 0 ? `${p.short} (pid ${p.pids[0]})` : p.full);
}

function udp(protocol: Protocol): string {
  return protocol === 'udp' ? ' (UDP)' : '';
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
