// Who holds a port, grouped so that a program and its own workers count as one party. Conflicts are
// only ever between parties; a master handing its socket to forks is not a collision.
import type { ProcessInfo, Socket } from '../model.js';
import { displayName } from '../services/program.js';

export interface Party {
  /** Stable: sorted pids, or the uid for a hidden owner, or "kernel". */
  id: string;
  pids: number[];
  /** For sentences: "node (pid 123)", "nginx (pids 10, 11, 12)", "a hidden process (uid 0)". */
  full: string;
  /** For the second half of sentences: "node", "pid 123", "the uid 0 process". */
  short: string;
  /** When the owner is known: `${ppid}|${name}` of its first process, to spot sibling workers. */
  siblingKey: string | null;
}

type Processes = ReadonlyMap<number, ProcessInfo>;

class UnionFind {
  private readonly parent = new Map<number, number>();
  find(x: number): number {
    let root = this.parent.get(x) ?? x;
    while (root !== (this.parent.get(root) ?? root)) root = this.parent.get(root) ?? root;
    // Path compression keeps long worker lists flat.
    let cur = x;
    while (cur !== root) {
      const next = this.parent.get(cur) ?? root;
      this.parent.set(cur, root);
      cur = next;
    }
    return root;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(Math.max(ra, rb), Math.min(ra, rb));
  }
}

const ANCESTRY_DEPTH = 16;

/**
 * Assigns a party to each socket of one port. Pids that share a socket are one party, and so are a
 * process and its same-named ancestors on the same port (nginx's master and the workers it forked).
 */
export function partiesOf(sockets: readonly Socket[], processes: Processes): Map<Socket, Party> {
  const uf = new UnionFind();
  const inGroup = new Set<number>();
  for (const s of sockets) for (const pid of validPids(s)) inGroup.add(pid);
  for (const s of sockets) {
    const pids = validPids(s);
    for (let i = 1; i < pids.length; i++) uf.union(pids[0]!, pids[i]!);
  }
  for (const pid of inGroup) {
    const self = processes.get(pid);
    if (!self) continue;
    const name = displayName(self);
    let cur: ProcessInfo | undefined = self;
    const seen = new Set<number>([pid]);
    for (let depth = 0; cur && depth < ANCESTRY_DEPTH; depth++) {
      const ppid: number | null = cur.ppid;
      if (ppid === null || seen.has(ppid)) break;
      seen.add(ppid);
      cur = processes.get(ppid);
      // Only the same program: a dev tool's parent (npm, a shell, an IDE) is not its worker master.
      if (cur && inGroup.has(ppid) && displayName(cur) === name) uf.union(pid, ppid);
    }
  }

  const members = new Map<number, number[]>();
  for (const pid of inGroup) {
    const root = uf.find(pid);
    const list = members.get(root);
    if (list) list.push(pid);
    else members.set(root, [pid]);
  }
  const byRoot = new Map<number, Party>();
  // One object per party, so callers can compare parties by identity.
  const opaque = new Map<string, Party>();
  const result = new Map<Socket, Party>();
  for (const s of sockets) {
    const pids = validPids(s);
    if (pids.length === 0) {
      const fresh = opaqueParty(s);
      const party = opaque.get(fresh.id) ?? fresh;
      opaque.set(party.id, party);
      result.set(s, party);
      continue;
    }
    const root = uf.find(pids[0]!);
    let party = byRoot.get(root);
    if (!party) {
      party = knownParty((members.get(root) ?? pids).sort((a, b) => a - b), processes);
      byRoot.set(root, party);
    }
    result.set(s, party);
  }
  return result;
}

/** Pids as given, minus anything a fuzzer or a confused collector could slip in. */
export function validPids(s: Socket): number[] {
  if (s.owner === 'none') return [];
  const out = new Set<number>();
  for (const p of s.pids) if (Number.isInteger(p) && p >= 0) out.add(p);
  return [...out];
}

function opaqueParty(s: Socket): Party {
  // A socket with no process is the kernel's (WireGuard, NFS); a hidden one belongs to another
  // user. Two hidden sockets of the same uid may well be one process: never call them a conflict.
  if (s.owner === 'none') return { id: 'kernel', pids: [], full: 'the kernel (no process)', short: 'the kernel', siblingKey: null };
  const uid = Number.isInteger(s.uid) ? s.uid : null;
  return uid === null
    ? { id: 'hidden', pids: [], full: 'a hidden process', short: 'the hidden process', siblingKey: null }
    : { id: `hidden:uid${uid}`, pids: [], full: `a hidden process (uid ${uid})`, short: `the uid ${uid} process`, siblingKey: null };
}

function knownParty(pids: number[], processes: Processes): Party {
  const first = processes.get(pids[0]!);
  const name = first ? displayName(first) : '';
  return {
    id: pids.join(','),
    pids,
    full: describePids(pids, processes),
    short: name || `pid ${pids[0]}`,
    siblingKey: first && first.ppid !== null && first.ppid > 1 && name && !startedByShell(first) ? `${first.ppid}|${name}` : null,
  };
}

/**
 * Shells. Copies of one program a shell started are instances someone ran twice (`node app.js &`,
 * twice), not a master's workers: on one SO_REUSEPORT address, they split connections unasked.
 */
const SHELLS = new Set(['sh', 'ash', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'fish', 'csh', 'tcsh', 'nu', 'xonsh', 'elvish', 'busybox', 'cmd', 'powershell', 'pwsh']);

function startedByShell(p: ProcessInfo): boolean {
  if (!p.parentName) return false;
  // A login shell is "-bash"; Windows names end in ".exe".
  return SHELLS.has(p.parentName.toLowerCase().replace(/^-/, '').replace(/\.exe$/, ''));
}

const MAX_LISTED = 6;

/** "node (pid 1)", "nginx (pids 10, 11, 12)", "gunicorn (pid 5), python3 (pids 6, 7)", "pid 9". */
export function describePids(pids: readonly number[], processes: Processes): string {
  const groups: { name: string; pids: number[] }[] = [];
  for (const pid of pids) {
    const info = processes.get(pid);
    const name = info ? displayName(info) : '';
    const group = groups.find((g) => g.name === name);
    if (group) group.pids.push(pid);
    else groups.push({ name, pids: [pid] });
  }
  return groups
    .map((g) => {
      const shown = g.pids.slice(0, MAX_LISTED).join(', ');
      const more = g.pids.length > MAX_LISTED ? ` and ${g.pids.length - MAX_LISTED} more` : '';
      const list = `${g.pids.length === 1 ? 'pid' : 'pids'} ${shown}${more}`;
      return g.name ? `${g.name} (${list})` : list;
    })
    .join(', ');
}

/** "a", "a and b", "a, b and c". */
export function joinAnd(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
