// From the sorted socket list to what the table shows: the filter, the Listening|All switch and
// the optional grouping by process. Each step is memoised on its inputs' identity by the hook.
import type { ProcessInfo, Socket } from '../../main/core/model.js';
import { isListening } from '../../main/core/model.js';

export interface GroupRow {
  kind: 'group';
  /** "pid:4821", "hidden", "none". */
  id: string;
  label: string;
  pid: number | null;
  count: number;
  collapsed: boolean;
}

export type ViewItem = Socket | GroupRow;

export function isGroupRow(item: ViewItem): item is GroupRow {
  return (item as GroupRow).kind === 'group';
}

export function itemKey(item: ViewItem): string {
  return isGroupRow(item) ? `group:${item.id}` : item.key;
}

export function filterSockets(
  sorted: readonly Socket[],
  predicate: ((s: Socket) => boolean) | null,
  listeningOnly: boolean,
): readonly Socket[] {
  if (!predicate && !listeningOnly) return sorted;
  const out: Socket[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const s = sorted[i]!;
    if (listeningOnly && !isListening(s)) continue;
    if (predicate && !predicate(s)) continue;
    out.push(s);
  }
  return out;
}

export function groupId(s: Socket): string {
  if (s.owner === 'hidden') return 'hidden';
  const pid = s.pids[0];
  return pid === undefined ? 'none' : `pid:${pid}`;
}

/**
 * Groups keep the table's sort inside them; the groups themselves go by process name, with hidden
 * owners and kernel-only sockets last.
 */
export function groupByProcess(
  sockets: readonly Socket[],
  processes: ReadonlyMap<number, ProcessInfo>,
  collapsed: ReadonlySet<string>,
): ViewItem[] {
  const groups = new Map<string, Socket[]>();
  for (const s of sockets) {
    const id = groupId(s);
    let list = groups.get(id);
    if (!list) groups.set(id, (list = []));
    list.push(s);
  }
  const heads: GroupRow[] = [];
  for (const [id, list] of groups) {
    const pid = id.startsWith('pid:') ? Number(id.slice(4)) : null;
    const label =
      pid !== null ? `${processes.get(pid)?.name ?? 'unknown process'} (pid ${pid})` : id === 'hidden' ? 'Hidden owner' : 'No process (kernel)';
    heads.push({ kind: 'group', id, label, pid, count: list.length, collapsed: collapsed.has(id) });
  }
  const rank = (g: GroupRow) => (g.pid !== null ? 0 : g.id === 'hidden' ? 1 : 2);
  heads.sort((a, b) => rank(a) - rank(b) || (a.label.toLowerCase() < b.label.toLowerCase() ? -1 : a.label.toLowerCase() > b.label.toLowerCase() ? 1 : 0) || (a.pid ?? 0) - (b.pid ?? 0));
  const items: ViewItem[] = [];
  for (const head of heads) {
    items.push(head);
    if (!head.collapsed) for (const s of groups.get(head.id)!) items.push(s);
  }
  return items;
}
