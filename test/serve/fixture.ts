// A real browser-mode server with a real service, on a temp settings file and a tiny stand-in for the
// built renderer (so these tests don't depend on the renderer's build). Next to the renderer folder
// lies a secret file that no request may ever read.
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_SETTINGS, type Settings } from '../../main/core/contract.js';
import { createBackend, type Backend } from '../../main/serve/backend.js';
import { startServer, type RunningServer } from '../../main/serve/server.js';
import { SettingsStore } from '../../main/service/settings-store.js';

export const SECRET = 'TOP-SECRET-DO-NOT-SERVE';
export const INDEX_MARK = '<title>porthole test page</title>';

export interface Fixture {
  server: RunningServer;
  backend: Backend;
  settings: SettingsStore;
  settingsFile: string;
  dir: string;
  stop(): Promise<void>;
}

export async function startFixture(settings: Partial<Settings> = {}): Promise<Fixture> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'porthole-serve-'));
  const renderer = path.join(dir, 'renderer');
  mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  writeFileSync(path.join(renderer, 'index.html'), `<!doctype html>${INDEX_MARK}<script type="module" src="/assets/app.js"></script>`);
  writeFileSync(path.join(renderer, 'tray.html'), '<!doctype html><title>tray</title>');
  writeFileSync(path.join(renderer, 'assets', 'app.js'), 'console.log("app");');
  writeFileSync(path.join(renderer, 'assets', 'app.css'), 'body{}');
  writeFileSync(path.join(dir, 'secret.txt'), SECRET);
  writeFileSync(path.join(renderer, '.env'), SECRET);
  // A symlink inside the folder that points out of it must not be followed.
  symlinkSync(path.join(dir, 'secret.txt'), path.join(renderer, 'assets', 'link.txt'));

  const settingsFile = path.join(dir, 'settings.json');
  // Fast polls keep the delta tests short; no watched ports so nothing else is flagged.
  writeFileSync(settingsFile, `${JSON.stringify({ ...DEFAULT_SETTINGS, intervalMs: 250, watchedPorts: [], ...settings }, null, 2)}\n`);
  const store = new SettingsStore(settingsFile);
  const backend = createBackend(store);
  const server = await startServer({ port: 0, rendererDir: renderer, service: backend.service });
  return {
    server,
    backend,
    settings: store,
    settingsFile,
    dir,
    async stop() {
      await server.close();
      await backend.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
