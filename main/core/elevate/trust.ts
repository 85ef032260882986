// We ask an administrator to run one program with full rights. If another local user could
// replace that program (or any folder on its way) between our check and its launch, they would
// get those rights instead. So before elevating, every file and folder on the path of the node
// binary and the collector script must belong to root or to us, and must not be writable by
// others (a world-writable folder is tolerated only with the sticky bit, like /tmp, where others
// cannot rename what is ours). Group-writable is accepted: macOS's /Applications is root:admin 775,
// and a group that may write there is a group of administrators.
//
// Windows has ACLs rather than mode bits; there the per-machine install lives under Program Files
// (admin-only) and a per-user install is writable only by that user, who is the one consenting.
// We do not re-implement ACL checks; see docs/SECURITY.md, "Elevation".
import { lstatSync, realpathSync, type Stats } from 'node:fs';
import path from 'node:path';
import { elevationAdvice } from './advice.js';
import { ElevationError } from './types.js';

export interface TrustDeps {
  lstat(p: string): Pick<Stats, 'mode' | 'uid' | 'isDirectory' | 'isSymbolicLink'>;
  realpath(p: string): string;
  uid: number | undefined;
}

const defaultDeps = (): TrustDeps => ({ lstat: lstatSync, realpath: (p) => realpathSync(p), uid: process.getuid?.() });

const S_IWOTH = 0o002;
const S_ISVTX = 0o1000;

/** Why `file` must not be elevated, or null when it is safe. Checks the path as given and its target. */
export function untrustedReason(file: string, platform: NodeJS.Platform = process.platform, deps: TrustDeps = defaultDeps()): string | null {
  if (platform === 'win32') return null;
  if (!path.isAbsolute(file)) return `${file} is not an absolute path`;
  let real: string;
  try {
    real = deps.realpath(file);
  } catch (error) {
    return `${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
  for (const target of new Set([file, real])) {
    for (let p = target; ; p = path.dirname(p)) {
      const reason = entryReason(p, p === target, deps);
      if (reason) return reason;
      if (path.dirname(p) === p) break;
    }
  }
  return null;
}

function entryReason(p: string, isTarget: boolean, deps: TrustDeps): string | null {
  let st: ReturnType<TrustDeps['lstat']>;
  try {
    st = deps.lstat(p);
  } catch (error) {
    return `${p} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
  // A symlink's own mode bits mean nothing; what matters is who may replace it, i.e. its folder.
  if (st.isSymbolicLink()) return null;
  if (st.uid !== 0 && st.uid !== deps.uid) return `${p} belongs to another user (uid ${st.uid})`;
  const sticky = (st.mode & S_ISVTX) !== 0;
  if ((st.mode & S_IWOTH) !== 0 && !(st.isDirectory() && sticky && !isTarget)) return `${p} is writable by every user`;
  return null;
}

/** Throws an ElevationError naming the first untrusted path. */
export function assertSafeToElevate(files: readonly string[], platform: NodeJS.Platform = process.platform, deps?: TrustDeps): void {
  for (const file of files) {
    const reason = untrustedReason(file, platform, deps);
    if (reason) {
      throw new ElevationError(
        `Porthole will not run its collector with administrator rights: ${reason}, so another user could replace it. Reinstall Porthole to a folder only administrators can change.`,
        'untrusted-path',
        elevationAdvice(platform),
      );
    }
  }
}
