// Settings in a small JSON file, written atomically (temp file + rename) so a crash mid-write
// never leaves a half file. Invalid or unreadable files fall back to defaults, field by field.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_SETTINGS, SettingsSchema, type Settings } from '../core/contract.js';

export class SettingsStore {
  private current: Settings;
  private readonly listeners = new Set<(s: Settings) => void>();

  constructor(readonly file: string) {
    this.current = load(file);
  }

  get(): Settings {
    return this.current;
  }

  /** Apply a partial update that has already been validated by the contract. */
  update(patch: Partial<Settings>): Settings {
    const next = SettingsSchema.parse({ ...this.current, ...patch });
    this.current = next;
    save(this.file, next);
    for (const l of this.listeners) l(next);
    return next;
  }

  onChange(listener: (s: Settings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Where settings live when Electron's app.getPath('userData') is not available (browser mode). */
export function defaultSettingsFile(): string {
  const base =
    process.platform === 'win32'
      ? (process.env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming'))
      : process.platform === 'darwin'
        ? path.join(os.homedir(), 'Library', 'Application Support')
        : (process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'));
  return path.join(base, 'Porthole', 'settings.json');
}

function load(file: string): Settings {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return { ...DEFAULT_SETTINGS };
  }
  const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  if (raw && typeof raw === 'object') {
    // Keep each valid field: one bad value (edited by hand) must not reset everything.
    for (const [key, value] of Object.entries(raw)) {
      const field = SettingsSchema.shape[key as keyof Settings];
      if (field?.safeParse(value).success) merged[key] = value;
    }
  }
  return SettingsSchema.parse(merged);
}

function save(file: string, settings: Settings): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, file);
}
