// `--output FILE`, the elevated collector's way out: it must only ever create one new file, in a
// folder no one else can write to, and stop when the app deletes it.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, closeSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../main/cli/args.js';
import { createOutputFile } from '../../../main/cli/commands/output-file.js';

const posix = process.platform !== 'win32';
const dir = mkdtempSync(path.join(os.tmpdir(), 'porthole-output-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('createOutputFile', () => {
  it('creates a new file readable by the user who asked (0644)', () => {
    const file = path.join(dir, 'snapshot.jsonl');
    closeSync(createOutputFile(file));
    expect(existsSync(file)).toBe(true);
    if (posix) expect(statSync(file).mode & 0o777).toBe(0o644 & ~process.umask());
  });

  it('never opens an existing file', () => {
    const file = path.join(dir, 'exists.jsonl');
    writeFileSync(file, 'keep me');
    expect(() => createOutputFile(file)).toThrow(/already exists/);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
  });

  // Symlinks (which Windows makes only with a privilege) and POSIX folder modes, which
  // createOutputFile checks only there.
  it.runIf(posix)('never follows a symlink, even a dangling one', () => {
    const link = path.join(dir, 'link.jsonl');
    symlinkSync(path.join(dir, 'target-elsewhere'), link);
    expect(() => createOutputFile(link)).toThrow(UsageError);
    expect(existsSync(path.join(dir, 'target-elsewhere'))).toBe(false);
  });

  it.runIf(posix)('refuses a folder others can write to, or a symlinked folder', () => {
    const open = path.join(dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    expect(() => createOutputFile(path.join(open, 'a.jsonl'))).toThrow(/writable by other users/);
    const linked = path.join(dir, 'linked');
    symlinkSync(dir, linked);
    expect(() => createOutputFile(path.join(linked, 'b.jsonl'))).toThrow(/not a folder/);
  });

  it('wants an absolute path ending in .jsonl', () => {
    expect(() => createOutputFile('snapshot.jsonl')).toThrow(/absolute path/);
    expect(() => createOutputFile(path.join(dir, 'sudoers'))).toThrow(/name\.jsonl/);
    expect(() => createOutputFile(path.join(dir, 'a b.jsonl'))).toThrow(/name\.jsonl/);
  });
});
