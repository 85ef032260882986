// Before anything runs as root, its files must be ones no other user can swap.
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { elevationAdvice } from '../../../main/core/elevate/advice.js';
import { collectorPaths } from '../../../main/core/elevate/paths.js';
import { assertSafeToElevate, untrustedReason, type TrustDeps } from '../../../main/core/elevate/trust.js';

const posix = process.platform !== 'win32';

/** A made-up file system: path -> [mode, uid, kind]. */
type Entry = readonly [number, number, 'dir' | 'file' | 'link'];

function fakeFs(entries: Record<string, Entry>, uid = 1000, links: Record<string, string> = {}): TrustDeps {
  return {
    uid,
    realpath: (p) => links[p] ?? p,
    lstat: (p) => {
      const e = entries[p];
      if (!e) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return { mode: e[0], uid: e[1], isDirectory: () => e[2] === 'dir', isSymbolicLink: () => e[2] === 'link' };
    },
  };
}

const base: Record<string, Entry> = { '/': [0o40755, 0, 'dir'], '/opt': [0o40755, 0, 'dir'], '/opt/Porthole': [0o40755, 0, 'dir'] };

describe('untrustedReason', () => {
  it('accepts a root-owned install', () => {
    expect(untrustedReason('/opt/Porthole/porthole', 'linux', fakeFs({ ...base, '/opt/Porthole/porthole': [0o100755, 0, 'file'] }))).toBeNull();
  });

  it('accepts files of the user who asks (a per-user install, or a dev checkout)', () => {
    expect(untrustedReason('/opt/Porthole/porthole', 'linux', fakeFs({ ...base, '/opt/Porthole/porthole': [0o100755, 1000, 'file'] }))).toBeNull();
  });

  it('refuses a world-writable file or folder on the way', () => {
    expect(untrustedReason('/opt/Porthole/porthole', 'linux', fakeFs({ ...base, '/opt/Porthole/porthole': [0o100757, 0, 'file'] }))).toBe('/opt/Porthole/porthole is writable by every user');
    expect(untrustedReason('/opt/Porthole/porthole', 'linux', fakeFs({ ...base, '/opt': [0o40777, 0, 'dir'], '/opt/Porthole/porthole': [0o100755, 0, 'file'] }))).toBe('/opt is writable by every user');
  });

  it('accepts a sticky world-writable folder (like /tmp): others cannot rename what is ours', () => {
    const fs = fakeFs({ '/': [0o40755, 0, 'dir'], '/tmp': [0o41777, 0, 'dir'], '/tmp/p': [0o40700, 1000, 'dir'], '/tmp/p/cli.cjs': [0o100644, 1000, 'file'] });
    expect(untrustedReason('/tmp/p/cli.cjs', 'linux', fs)).toBeNull();
  });

  it("refuses another user's file or folder", () => {
    expect(untrustedReason('/opt/Porthole/porthole', 'linux', fakeFs({ ...base, '/opt/Porthole': [0o40755, 1001, 'dir'], '/opt/Porthole/porthole': [0o100755, 0, 'file'] }))).toBe('/opt/Porthole belongs to another user (uid 1001)');
  });

  it('checks both the link and what it points to', () => {
    const fs = fakeFs(
      { ...base, '/opt/Porthole/porthole': [0o120777, 0, 'link'], '/home': [0o40777, 0, 'dir'], '/home/real': [0o100755, 1000, 'file'] },
      1000,
      { '/opt/Porthole/porthole': '/home/real' },
    );
    expect(untrustedReason('/opt/Porthole/porthole', 'linux', fs)).toBe('/home is writable by every user');
  });

  it('refuses relative and missing paths; leaves Windows to its ACLs', () => {
    expect(untrustedReason('out/cli.cjs', 'linux', fakeFs({}))).toMatch(/not an absolute path/);
    expect(untrustedReason('/nope', 'linux', fakeFs({ '/': [0o40755, 0, 'dir'] }))).toMatch(/cannot be read/);
    expect(untrustedReason('C:\\Program Files\\Porthole\\Porthole.exe', 'win32', fakeFs({}))).toBeNull();
  });
});

// Mode bits and owners: POSIX's. On Windows trust.ts leaves the question to ACLs (see its header).
describe.runIf(posix)('on the real file system', () => {
  // The real path: macOS's temp folder is under /var, a symlink to /private/var, and a reason about
  // a link's target names the target's real path.
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'porthole-trust-')));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a collector in a world-writable folder, and names it', () => {
    const open = path.join(dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    writeFileSync(path.join(open, 'cli.cjs'), '');
    expect(() => assertSafeToElevate([path.join(open, 'cli.cjs')], 'linux')).toThrow(`${open} is writable by every user`);
  });

  it('follows a symlink to its target', () => {
    const safe = path.join(dir, 'safe');
    mkdirSync(safe, { mode: 0o755 });
    const link = path.join(safe, 'cli.cjs');
    symlinkSync(path.join(dir, 'open', 'cli.cjs'), link);
    expect(untrustedReason(link, 'linux')).toBe(`${path.join(dir, 'open')} is writable by every user`);
  });
});

describe('collectorPaths and elevationAdvice', () => {
  it('runs the unpacked CLI with the app binary when packaged, the repo build in development', () => {
    expect(collectorPaths({ isPackaged: true, resourcesPath: '/opt/Porthole/resources', appPath: '/opt/Porthole/resources/app.asar', execPath: '/opt/Porthole/porthole' })).toEqual({
      cliPath: path.join('/opt/Porthole/resources', 'app.asar.unpacked', 'out', 'cli', 'porthole.cjs'),
      nodePath: '/opt/Porthole/porthole',
    });
    expect(collectorPaths({ isPackaged: false, resourcesPath: '/x', appPath: '/src/porthole', execPath: '/e' }).cliPath).toBe(path.join('/src/porthole', 'out', 'cli', 'porthole.cjs'));
  });

  it('gives the exact command to run by hand', () => {
    expect(elevationAdvice('linux')).toContain('`sudo npx porthole list`');
    expect(elevationAdvice('linux')).toContain('`sudo porthole`');
    expect(elevationAdvice('linux', { onPath: true })).toBe('Run `sudo porthole` in a terminal to see every owner.');
    expect(elevationAdvice('darwin')).toBe('Run `sudo porthole` in Terminal to see every owner.');
    expect(elevationAdvice('win32')).toMatch(/Administrator terminal.*run porthole/);
  });
});
