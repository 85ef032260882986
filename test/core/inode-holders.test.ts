// InodeHolders against a plain model: a count of fds per (inode, pid). Whatever the order of adds
// and removes, it must name exactly the pids with at least one fd, sorted; change its version
// exactly when some inode's pids change; never change an array a reader was given; and journal
// what each inode was held by before its first change.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InodeHolders } from '../../main/core/collect/inode-holders.js';

type Op = { kind: 'add' | 'remove'; inode: number; pid: number };

const opArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom('add' as const, 'remove' as const),
  inode: fc.integer({ min: 1, max: 6 }),
  pid: fc.integer({ min: 100, max: 104 }),
});

/** The model's answer: pids with at least one fd on the inode, sorted; undefined when none. */
function modelPids(counts: Map<string, number>, inode: number): number[] | undefined {
  const pids: number[] = [];
  for (const [key, n] of counts) {
    const [i, p] = key.split(':').map(Number);
    if (i === inode && n > 0) pids.push(p!);
  }
  return pids.length ? pids.sort((a, b) => a - b) : undefined;
}

/** One fd opened or closed, in both: a close only of an fd that exists, as the index does. */
function applyOp(holders: InodeHolders, counts: Map<string, number>, op: Op): void {
  const key = `${op.inode}:${op.pid}`;
  if (op.kind === 'add') {
    counts.set(key, (counts.get(key) ?? 0) + 1);
    holders.add(op.inode, op.pid);
  } else if ((counts.get(key) ?? 0) > 0) {
    counts.set(key, counts.get(key)! - 1);
    holders.remove(op.inode, op.pid);
  }
}

describe('InodeHolders', () => {
  it('holds what the fds say, after any sequence of changes', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => {
        const holders = new InodeHolders();
        const counts = new Map<string, number>();
        const handedOut: { inode: number; array: number[]; copy: number[] }[] = [];
        for (const op of ops) {
          const beforePids = modelPids(counts, op.inode);
          const version = holders.version;
          applyOp(holders, counts, op);
          const afterPids = modelPids(counts, op.inode);
          expect(holders.get(op.inode)).toEqual(afterPids);
          expect(holders.has(op.inode)).toBe(afterPids !== undefined);
          expect(holders.version !== version).toBe(JSON.stringify(beforePids) !== JSON.stringify(afterPids));
          const array = holders.get(op.inode);
          if (array) handedOut.push({ inode: op.inode, array, copy: [...array] });
        }
        for (let inode = 1; inode <= 6; inode++) expect(holders.get(inode)).toEqual(modelPids(counts, inode));
        // Arrays handed out earlier still say what they said.
        for (const { array, copy } of handedOut) expect(array).toEqual(copy);
        const sharers = new Set<number>();
        for (let inode = 1; inode <= 6; inode++) {
          const pids = modelPids(counts, inode) ?? [];
          if (pids.length > 1) for (const pid of pids) sharers.add(pid);
        }
        expect(holders.sharers().sort()).toEqual([...sharers].sort());
      }),
      { numRuns: 400 },
    );
  });

  it('journals what each changed inode was held by before its first change', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 30 }), fc.array(opArb, { maxLength: 30 }), (setup, during) => {
        const holders = new InodeHolders();
        const counts = new Map<string, number>();
        const apply = (op: Op) => applyOp(holders, counts, op);
        setup.forEach(apply);
        const before = new Map(Array.from({ length: 6 }, (_, i) => [i + 1, holders.get(i + 1)] as const));
        holders.startJournal();
        during.forEach(apply);
        const journal = holders.endJournal();
        for (let inode = 1; inode <= 6; inode++) {
          const changed = JSON.stringify(before.get(inode)) !== JSON.stringify(holders.get(inode));
          // Changed inodes are in it, with what they were; an inode changed and changed back may be too.
          if (changed) expect(journal.get(inode)).toEqual(before.get(inode));
          if (journal.has(inode)) expect(journal.get(inode)).toEqual(before.get(inode));
        }
        // Nothing is journalled once it has ended.
        holders.add(1, 999);
        expect(holders.endJournal().size).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
