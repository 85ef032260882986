import { describe, expect, it } from 'vitest';
import { maybeCheckForUpdates, updateConfigPath, type UpdateDeps } from '../../main/app/updates.js';

function deps(over: Partial<UpdateDeps> = {}) {
  const calls: string[] = [];
  const logs: string[] = [];
  const d: UpdateDeps = {
    app: { isPackaged: true },
    settings: { checkForUpdates: true },
    autoUpdater: { checkForUpdatesAndNotify: async () => void calls.push('check') },
    resourcesPath: '/opt/Porthole/resources',
    exists: (f) => f === updateConfigPath('/opt/Porthole/resources'),
    env: {},
    log: (m) => logs.push(m),
    ...over,
  };
  return { d, calls, logs };
}

describe('maybeCheckForUpdates', () => {
  it('checks when packaged, published and enabled', async () => {
    const { d, calls } = deps();
    expect(await maybeCheckForUpdates(d)).toBe('checked');
    expect(calls).toEqual(['check']);
  });

  it.each([
    ['not-packaged', { app: { isPackaged: false } }],
    ['no-publish-config', { exists: () => false }],
    ['no-publish-config', { resourcesPath: '' }],
    ['portable', { env: { PORTABLE_EXECUTABLE_FILE: 'C:\\Porthole.exe' } }],
    ['disabled', { settings: { checkForUpdates: false } }],
  ] as const)('is a no-op when %s', async (expected, over) => {
    const { d, calls } = deps(over as Partial<UpdateDeps>);
    expect(await maybeCheckForUpdates(d)).toBe(expected);
    expect(calls).toEqual([]);
  });

  it('logs a failed check instead of throwing', async () => {
    const { d, logs } = deps({ autoUpdater: { checkForUpdatesAndNotify: () => Promise.reject(new Error('net::ERR_INTERNET_DISCONNECTED')) } });
    expect(await maybeCheckForUpdates(d)).toBe('failed');
    expect(logs).toEqual(['update check failed: net::ERR_INTERNET_DISCONNECTED']);
  });

  it('looks for the file electron-builder writes beside the app', () => {
    expect(updateConfigPath('/r')).toMatch(/^[/\\]r[/\\]app-update\.yml$/);
  });
});
