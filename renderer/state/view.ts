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

/** The filter box and the Listening switch as one test, or null when they let every row through. */
export function rowFilter(predicate: ((s: Socket) => boolean) | null, listeningOnly: boolean): ((s: Socket) => boolean) | null {
  if (!listeningOnly) return predicate;
  if (!predicate) return isListening;
  return (s) => isListening(s) && predicate(s);
}

export function filterSockets(
  sorted: readonly Socket[],
  predicate: ((s: Socket) => boolean) | null,
  listeningOnly: boolean,
): readonly Socket[] {
  const keep = rowFilter(predicate, listeningOnly);
  return keep ? sorted.filter(keep) : sorted;
}

/**
 * Where the row with `key` is, looking first around `near` (where it was before this change: a
 * delta moves it by the rows that came and went above it), then everywhere. -1 when it is not.
 */
export function indexOfKey(items: readonly ViewItem[], key: string | null, near: number): number {
  if (key === null) return -1;
  const at = (i: number) => i >= 0 && i < items.length && !isGroupRow(items[i]!) && (items[i] as Socket).key === key;
  if (near >= 0) {
    for (let d = 0; d <= NEAR; d++) {
      if (at(near - d)) return near - d;
      if (at(near + d)) return near + d;
    }
  }
  return items.findIndex((i) => !isGroupRow(i) && i.key === key);
}
const NEAR = 64;

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
