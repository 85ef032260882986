// Who is this pid, really? pid + start time identifies a process across pid reuse; the kill path
// re-reads it immediately before every signal. Also parent/child walks for --tree and for refusing
// to kill our own ancestors.
import { darwinIdentity } from './identity-darwin.js';
import { linuxIdentity } from './identity-linux.js';
import type { IdentityBackend, ProcessIdentity, ProcessLink } from './identity-types.js';
import { win32Identity } from './identity-win32.js';

export type { IdentityBackend, ProcessIdentity, ProcessLink } from './identity-types.js';

export function platformIdentity(platform: NodeJS.Platform = process.platform): IdentityBackend {
  if (platform === 'linux') return linuxIdentity;
  if (platform === 'win32') return win32Identity;
  // ps with lstart exists on macOS and the BSDs.
  return darwinIdentity;
}

/** A pid we are willing to look up: guards against NaN, 1.5, -1 and "../" reaching a path or a command. */
export function isPlausiblePid(pid: unknown): pid is number {
  return typeof pid === 'number' && Number.isSafeInteger(pid) && pid > 0 && pid <= 0x7fffffff;
}

/** Identity of a live process, or null if it doesn't exist, has exited (zombie), or can't be read. */
export function readIdentity(pid: number, backend: IdentityBackend = platformIdentity()): Promise<ProcessIdentity | null> {
  if (!isPlausiblePid(pid)) return Promise.resolve(null);
  return backend.read(pid);
}

/** Same process, not just the same number. */
export function sameProcess(a: Pick<ProcessIdentity, 'pid' | 'startTime'>, b: Pick<ProcessIdentity, 'pid' | 'startTime'>): boolean {
  return a.pid === b.pid && a.startTime === b.startTime;
}

/** Parent, grandparent, ... up to and including pid 1 (or the top of what we can read). Nearest first. */
export async function ancestorsOf(pid: number, backend: IdentityBackend = platformIdentity()): Promise<number[]> {
  if (backend.walksByList) return isPlausiblePid(pid) ? ancestorsInTable(pid, await backend.list()) : [];
  const out: number[] = [];
  const seen = new Set<number>([pid]);
  let current = await readIdentity(pid, backend);
  // The seen-set guards against a loop through stale Windows ppids.
  while (current && current.ppid !== null && current.ppid > 0 && !seen.has(current.ppid)) {
    const parent = current.ppid;
    const next = await readIdentity(parent, backend);
    // A Windows ppid may name a process that died, its number since reused by a younger process.
    if (next && next.startTime > current.startTime) break;
    // Unreadable parents are still listed: refusing to kill them is the safe side.
    out.push(parent);
    seen.add(parent);
    current = next;
  }
  return out;
}

/** ancestorsOf, walked in one snapshot of the process table, with the same stale-ppid rule. */
export function ancestorsInTable(pid: number, table: readonly ProcessLink[]): number[] {
  const byPid = new Map(table.map((p) => [p.pid, p]));
  return walkAncestors(pid, (p) => byPid.get(p));
}

/**
 * Parent, grandparent, ... from a synchronous `linkOf` (a table, or /proc read directly), nearest
 * first, at most `max`. Stops at a loop, at pid 0, and before a "parent" younger than its child (a
 * stale ppid whose number was reused); an unreadable parent is still named, then the walk ends.
 */
export function walkAncestors(pid: number, linkOf: (pid: number) => Omit<ProcessLink, 'pid'> | undefined, max = Infinity): number[] {
  const out: number[] = [];
  const seen = new Set<number>([pid]);
  let current = linkOf(pid);
  while (current && current.ppid > 0 && !seen.has(current.ppid) && out.length < max) {
    const parent = current.ppid;
    const next = linkOf(parent);
    if (next && next.startTime !== null && current.startTime !== null && next.startTime > current.startTime) break;
    out.push(parent);
    seen.add(parent);
    current = next;
  }
  return out;
}

/** Direct children, in pid order. */
export async function childrenOf(pid: number, backend: IdentityBackend = platformIdentity()): Promise<number[]> {
  if (!isPlausiblePid(pid)) return [];
  const table = await backend.list();
  return childMap(table).get(pid) ?? [];
}

/**
 * Every descendant, breadth first: parents before their children. The kill path relies on this
 * order (see kill.ts). Takes one snapshot of the process table, so the tree is consistent.
 */
export async function descendantsOf(pid: number, backend: IdentityBackend = platformIdentity()): Promise<number[]> {
  if (!isPlausiblePid(pid)) return [];
  const children = childMap(await backend.list());
  const out: number[] = [];
  const seen = new Set<number>([pid]);
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      if (seen.has(child)) continue;
      seen.add(child);
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

function childMap(table: ProcessLink[]): Map<number, number[]> {
  const byPid = new Map(table.map((p) => [p.pid, p]));
  const map = new Map<number, number[]>();
  for (const p of [...table].sort((a, b) => a.pid - b.pid)) {
    if (p.ppid === p.pid) continue; // pid 0 on Windows lists itself as its own parent
    const parent = byPid.get(p.ppid);
    // A child cannot predate its parent: if it does, the ppid is stale and the number was reused.
    if (parent && parent.startTime !== null && p.startTime !== null && p.startTime < parent.startTime) continue;
    const list = map.get(p.ppid);
    if (list) list.push(p.pid);
    else map.set(p.ppid, [p.pid]);
  }
  return map;
}
