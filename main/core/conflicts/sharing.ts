// Several processes of one program on one address: a socket inherited by forks, or an SO_REUSEPORT
// worker group. Usually intended, so shown as information rather than as a problem.
import type { Conflict, ProcessInfo, Protocol, Socket } from '../model.js';
import { endpoint } from './bind-address.js';
import { compareParties, draft, type Listener } from './draft.js';
import { describePids, joinAnd, validPids } from './parties.js';

export function sharedConflicts(
  protocol: Protocol,
  port: number,
  listeners: readonly Listener[],
  processes: ReadonlyMap<number, ProcessInfo>,
): Conflict[] {
  // Worker siblings whose parent holds no socket are separate parties; they still form one group.
  const families = new Map<string, Listener[]>();
  for (const l of listeners) {
    if (l.party.pids.length === 0) continue;
    const key = l.party.siblingKey !== null ? `sib:${l.party.siblingKey}` : `party:${l.party.id}`;
    const list = families.get(key);
    if (list) list.push(l);
    else families.set(key, [l]);
  }

  const out: Conflict[] = [];
  for (const family of families.values()) {
    const inherited = family.filter((l) => validPids(l.socket).length > 1);
    const byAddress = new Map<string, Listener[]>();
    for (const l of family) {
      const key = `${l.bind.scope}|${l.bind.id}`;
      const list = byAddress.get(key);
      if (list) list.push(l);
      else byAddress.set(key, [l]);
    }
    const reused = [...byAddress.values()].filter((ls) => ls.length > 1 && new Set(ls.map((l) => l.socket.key)).size > 1).flat();
    if (inherited.length === 0 && reused.length === 0) continue;

    const involved = [...new Set([...inherited, ...reused])];
    const sockets: Socket[] = involved.map((l) => l.socket);
    const pids = [...new Set(sockets.flatMap(validPids))].sort((a, b) => a - b);
    if (pids.length < 2) continue;
    const parties = [...new Set(involved.map((l) => l.party))].sort(compareParties);
    const endpoints = joinAnd([...new Set(involved.map((l) => endpoint(l.bind.text, port)))]);
    const how = reused.length > 0 ? `each listen on ${endpoints} with SO_REUSEPORT` : `share ${endpoints}`;
    const who = describePids(pids, processes);
    const relation = hasParentChild(pids, processes) ? 'a master and its workers' : reused.length > 0 ? 'a worker group' : 'one socket inherited by several processes';
    const reason = `${pids.length} processes ${how}${protocol === 'udp' ? ' (UDP)' : ''}: ${who}, ${relation}, usually intended.`;
    out.push(draft('shared-socket', protocol, port, parties, sockets, reason, 'info'));
  }
  return out;
}

function hasParentChild(pids: readonly number[], processes: ReadonlyMap<number, ProcessInfo>): boolean {
  const set = new Set(pids);
  return pids.some((pid) => {
    const ppid = processes.get(pid)?.ppid;
    return ppid !== null && ppid !== undefined && set.has(ppid);
  });
}
