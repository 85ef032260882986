// "Start at login (in the tray)": the XDG autostart file on Linux, the login-item API elsewhere,
// driven by the settings store.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { applyStartAtLogin, autostartDesktopEntry, autostartFile, bindStartAtLogin, launchedHidden, quoteExecArg } from '../../main/app/login.js';
import { SettingsStore } from '../../main/service/settings-store.js';
import { tempDir } from './fakes.js';

describe('the autostart desktop file', () => {
  it('runs the app hidden, in the tray', () => {
    expect(autostartDesktopEntry(['/opt/Porthole/porthole'])).toBe(
      [
        '[Desktop Entry]',
        'Type=Application',
        'Version=1.0',
        'Name=Porthole',
        'Comment=See every socket and the process that owns it',
        'Exec=/opt/Porthole/porthole --hidden',
        'Icon=porthole',
        'Terminal=false',
        'Categories=Development;Network;',
        'X-GNOME-Autostart-enabled=true',
        '',
      ].join('\n'),
    );
  });

  it('quotes Exec arguments as the Desktop Entry spec asks', () => {
    expect(quoteExecArg('/usr/bin/electron')).toBe('/usr/bin/electron');
    expect(quoteExecArg('/home/me/My Apps/Porthole')).toBe('"/home/me/My Apps/Porthole"');
    expect(quoteExecArg('/a/$x`y"z\\w')).toBe('"/a/\\$x\\`y\\"z\\\\w"');
    expect(quoteExecArg('/a/100%')).toBe('/a/100%%');
    expect(autostartDesktopEntry(['/usr/lib/electron/electron', '/home/me/src/porthole'])).toContain(
      'Exec=/usr/lib/electron/electron /home/me/src/porthole --hidden',
    );
  });

  it('lives under XDG_CONFIG_HOME, else ~/.config', () => {
    expect(autostartFile({ XDG_CONFIG_HOME: '/x/config' }, '/home/me')).toBe(path.join('/x/config', 'autostart', 'porthole.desktop'));
    expect(autostartFile({}, '/home/me')).toBe(path.join('/home/me/.config/autostart/porthole.desktop'));
    // The spec ignores a relative value.
    expect(autostartFile({ XDG_CONFIG_HOME: 'relative' }, '/home/me')).toBe(path.join('/home/me/.config/autostart/porthole.desktop'));
  });
});

describe('the setting round trip', () => {
  it('on Linux: true writes the file, false removes it', () => {
    const xdg = tempDir('porthole-xdg-');
    const settings = new SettingsStore(path.join(tempDir('porthole-settings-'), 'settings.json'));
    const deps = { platform: 'linux' as const, command: ['/opt/Porthole/porthole'], setLoginItemSettings: vi.fn(), env: { XDG_CONFIG_HOME: xdg }, home: '/nowhere' };
    const file = path.join(xdg, 'autostart', 'porthole.desktop');
    const unbind = bindStartAtLogin(settings, deps);
    expect(existsSync(file)).toBe(false);

    settings.update({ startAtLogin: true });
    expect(readFileSync(file, 'utf8')).toContain('Exec=/opt/Porthole/porthole --hidden');
    settings.update({ intervalMs: 2000 }); // unrelated changes leave it alone
    expect(existsSync(file)).toBe(true);
    settings.update({ startAtLogin: false });
    expect(existsSync(file)).toBe(false);
    expect(deps.setLoginItemSettings).not.toHaveBeenCalled();
    unbind();
    settings.update({ startAtLogin: true });
    expect(existsSync(file)).toBe(false);
  });

  it('rewrites the file at start while the setting is on (the executable may have moved)', () => {
    const xdg = tempDir('porthole-xdg-');
    const settings = new SettingsStore(path.join(tempDir('porthole-settings-'), 'settings.json'));
    settings.update({ startAtLogin: true });
    bindStartAtLogin(settings, { platform: 'linux', command: ['/new/place/porthole'], setLoginItemSettings: vi.fn(), env: { XDG_CONFIG_HOME: xdg } });
    expect(readFileSync(path.join(xdg, 'autostart', 'porthole.desktop'), 'utf8')).toContain('Exec=/new/place/porthole --hidden');
  });

  it('reports a failure instead of throwing into the settings store', () => {
    const settings = new SettingsStore(path.join(tempDir('porthole-settings-'), 'settings.json'));
    const onError = vi.fn();
    const setLoginItemSettings = vi.fn(() => {
      throw new Error('denied');
    });
    bindStartAtLogin(settings, { platform: 'darwin', command: ['/Applications/Porthole.app/Contents/MacOS/Porthole'], setLoginItemSettings }, onError);
    expect(() => settings.update({ startAtLogin: true })).not.toThrow();
    expect(onError).toHaveBeenCalled();
  });

  it('on macOS and Windows: the login-item API, hidden', () => {
    const mac = vi.fn();
    applyStartAtLogin(true, { platform: 'darwin', command: ['/Applications/Porthole.app/Contents/MacOS/Porthole'], setLoginItemSettings: mac });
    expect(mac).toHaveBeenCalledWith({ openAtLogin: true, openAsHidden: true });
    const win = vi.fn();
    applyStartAtLogin(true, { platform: 'win32', command: ['C:\\Program Files\\Porthole\\Porthole.exe'], setLoginItemSettings: win });
    expect(win).toHaveBeenCalledWith({ openAtLogin: true, openAsHidden: true, path: 'C:\\Program Files\\Porthole\\Porthole.exe', args: ['--hidden'] });
    applyStartAtLogin(false, { platform: 'win32', command: ['C:\\e.exe', 'C:\\my app'], setLoginItemSettings: win });
    expect(win).toHaveBeenLastCalledWith({ openAtLogin: false, openAsHidden: true, path: 'C:\\e.exe', args: ['"C:\\my app"', '--hidden'] });
  });
});

describe('launchedHidden', () => {
  it('is true for --hidden or a macOS login launch', () => {
    expect(launchedHidden(['/x/porthole', '--hidden'])).toBe(true);
    expect(launchedHidden(['/x/porthole'])).toBe(false);
    expect(launchedHidden(['/x/porthole'], { wasOpenedAtLogin: true })).toBe(true);
    expect(launchedHidden(['/x/porthole'], { wasOpenedAsHidden: true })).toBe(true);
    expect(launchedHidden(['/x/porthole'], { wasOpenedAtLogin: false, wasOpenedAsHidden: false })).toBe(false);
  });
});
