// Private folders the elevated collector writes into are named after the app's pid. A folder whose
// app is gone (it crashed) is removed: that also stops its orphaned collector, which exits when its
// output file disappears.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const PREFIX = 'porthole-elevated-';

export function makePrivateDir(root: string = os.tmpdir()): string {
  // mkdtemp creates the folder 0700 on POSIX; on Windows it inherits the per-user TEMP's ACL.
  return mkdtempSync(path.join(root, `${PREFIX}${process.pid}-`));
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function sweepStaleDirs(root: string = os.tmpdir(), alive: (pid: number) => boolean = isAlive): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return removed;
  }
  for (const name of names) {
    const match = new RegExp(`^${PREFIX}(\\d+)-`).exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || alive(pid)) continue;
    try {
      rmSync(path.join(root, name), { recursive: true, force: true, maxRetries: 2 });
      removed.push(name);
    } catch {
      // Still held open on Windows: the next start tries again.
    }
  }
  return removed;
}
