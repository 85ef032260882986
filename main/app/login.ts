// "Start at login (in the tray)". macOS and Windows have a login-item API; Linux desktops follow
// the XDG autostart spec, so there it is a .desktop file we write or remove. The launch passes
// --hidden, and index.ts then starts in the tray without opening the window.
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Settings } from '../core/contract.js';

export const HIDDEN_ARG = '--hidden';

export function autostartFile(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string {
  const configHome = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(home, '.config');
  return path.join(configHome, 'autostart', 'porthole.desktop');
}

/**
 * One Exec argument, quoted as the Desktop Entry spec asks: inside double quotes, `"`, backquote,
 * `$` and `\` are escaped with a backslash; `%` (field codes) is doubled everywhere.
 */
export function quoteExecArg(arg: string): string {
  const escapedPercent = arg.replace(/%/g, '%%');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(escapedPercent)) return escapedPercent;
  return `"${escapedPercent.replace(/(["`$\\])/g, '\\$1')}"`;
}

export function autostartDesktopEntry(command: readonly string[]): string {
  const exec = [...command, HIDDEN_ARG].map(quoteExecArg).join(' ');
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    'Name=Porthole',
    'Comment=See every socket and the process that owns it',
    `Exec=${exec}`,
    'Icon=porthole',
    'Terminal=false',
    'Categories=Development;Network;',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export interface LoginItemDeps {
  platform: NodeJS.Platform;
  /** The program and arguments that start this app: the executable, plus the app path in dev. */
  command: readonly string[];
  /** Electron's app.setLoginItemSettings, for macOS and Windows. */
  setLoginItemSettings(settings: { openAtLogin: boolean; openAsHidden?: boolean; path?: string; args?: string[] }): void;
  env?: NodeJS.ProcessEnv;
  home?: string;
}

export function applyStartAtLogin(enabled: boolean, deps: LoginItemDeps): void {
  if (deps.platform === 'darwin' || deps.platform === 'win32') {
    const [program, ...rest] = deps.command;
    deps.setLoginItemSettings({
      openAtLogin: enabled,
      // macOS < 13 honours openAsHidden; later versions are detected through wasOpenedAtLogin.
      openAsHidden: true,
      // Windows joins args into one command line as given: a dev app path with spaces needs quotes.
      ...(deps.platform === 'win32' && program ? { path: program, args: [...rest.map((a) => (/\s/.test(a) ? `"${a}"` : a)), HIDDEN_ARG] } : {}),
    });
    return;
  }
  const file = autostartFile(deps.env, deps.home);
  if (!enabled) {
    rmSync(file, { force: true });
    return;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, autostartDesktopEntry(deps.command), { mode: 0o644 });
  renameSync(temp, file);
}

/**
 * Keep the OS in step with the setting: on every change, and once at start while it is on (an
 * AppImage moved or an update changed the executable's path since the file was written).
 */
export function bindStartAtLogin(
  settings: { get(): Settings; onChange(listener: (s: Settings) => void): () => void },
  deps: LoginItemDeps,
  onError: (error: unknown) => void = () => undefined,
): () => void {
  let current = settings.get().startAtLogin;
  const apply = (enabled: boolean) => {
    try {
      applyStartAtLogin(enabled, deps);
    } catch (error) {
      onError(error);
    }
  };
  if (current) apply(true);
  return settings.onChange((s) => {
    if (s.startAtLogin === current) return;
    current = s.startAtLogin;
    apply(current);
  });
}

/** Whether this launch came from the login item: then Porthole starts in the tray, window hidden. */
export function launchedHidden(argv: readonly string[], loginItem?: { wasOpenedAtLogin?: boolean; wasOpenedAsHidden?: boolean }): boolean {
  return argv.includes(HIDDEN_ARG) || loginItem?.wasOpenedAsHidden === true || loginItem?.wasOpenedAtLogin === true;
}

export function isAutostartInstalled(env?: NodeJS.ProcessEnv, home?: string): boolean {
  return existsSync(autostartFile(env, home));
}
