import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../main/core/contract.js';
import { SettingsStore } from '../../main/service/settings-store.js';

const tempFile = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'porthole-settings-')), 'nested', 'settings.json');

describe('SettingsStore', () => {
  it('starts from defaults and round-trips an update through the file', () => {
    const file = tempFile();
    const store = new SettingsStore(file);
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    store.update({ watchedPorts: [4000], filter: 'proc:node' });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ watchedPorts: [4000], filter: 'proc:node' });
    expect(new SettingsStore(file).get()).toMatchObject({ watchedPorts: [4000], filter: 'proc:node', intervalMs: 1000 });
  });

  it('keeps the valid fields of a hand-edited file and drops the bad ones', () => {
    const file = tempFile();
    new SettingsStore(file).update({ intervalMs: 2000 });
    writeFileSync(file, JSON.stringify({ intervalMs: 5, watchedPorts: [3000, 99999], filter: 'udp', extra: true }));
    expect(new SettingsStore(file).get()).toEqual({ ...DEFAULT_SETTINGS, filter: 'udp' });
  });

  it('falls back to defaults on a corrupt file', () => {
    const file = tempFile();
    new SettingsStore(file).update({ filter: 'x' });
    writeFileSync(file, '{"filter": "trunc');
    expect(new SettingsStore(file).get()).toEqual(DEFAULT_SETTINGS);
  });

  it('rejects an invalid update and leaves the file as it was', () => {
    const file = tempFile();
    const store = new SettingsStore(file);
    store.update({ filter: 'before' });
    const before = readFileSync(file, 'utf8');
    expect(() => store.update({ intervalMs: -1 })).toThrow();
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(store.get().intervalMs).toBe(1000);
  });

  it('tells listeners about changes', () => {
    const store = new SettingsStore(tempFile());
    const seen: number[][] = [];
    store.onChange((s) => seen.push(s.watchedPorts));
    store.update({ watchedPorts: [1, 2] });
    expect(seen).toEqual([[1, 2]]);
  });
});
