// The real app in the real Electron: a window on app://porthole, the bridge and nothing more, a
// snapshot after `ready`, the tray. Needs Electron's binary, which cannot be downloaded on the
// development machines (ELECTRON_SKIP_BINARY_DOWNLOAD=1): there these tests skip, and they run in
// GitHub Actions, where `npm ci` installs the binary (Linux runs them under xvfb-run).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortholeApi, ServerEvent } from '../../main/core/contract.js';

function electronBinary(): string | null {
  try {
    const binary = createRequire(import.meta.url)('electron') as unknown;
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    return null; // electron/index.js throws when the binary was never downloaded
  }
}

const binary = electronBinary();
const display = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const skipReason = !binary
  ? 'the Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD); they run in GitHub Actions'
  : !display
    ? 'no display: run them under xvfb-run'
    : null;
if (skipReason) console.warn(`test/electron: skipping the Electron end-to-end tests: ${skipReason}.`);

type Win = { porthole: PortholeApi } & Record<string, unknown>;

describe.skipIf(skipReason !== null)('Porthole in Electron', () => {
  let app: ElectronApplication;
  let page: Page;

  beforeAll(async () => {
    const root = path.resolve(import.meta.dirname, '../..');
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
    const userData = mkdtempSync(path.join(os.tmpdir(), 'porthole-e2e-'));
    app = await _electron.launch({
      args: [path.join(root, 'out/main/index.js')],
      cwd: root,
      env: { ...(process.env as Record<string, string>), PORTHOLE_E2E: '1', PORTHOLE_USER_DATA: userData },
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  }, 240_000);

  afterAll(async () => {
    await app?.close();
  });

  it('opens the main window on the app:// origin', () => {
    expect(page.url()).toBe('app://porthole/index.html');
  });

  it('gives the page window.porthole with exactly the verb API, and no Node or Electron', async () => {
    const seen = await page.evaluate(() => {
      const w = globalThis as unknown as Win;
      return {
        keys: Object.keys(w.porthole).sort(),
        transport: w.porthole.transport,
        ipcRenderer: typeof w.ipcRenderer,
        require: typeof w.require,
        process: typeof w.process,
        electron: typeof w.electron,
      };
    });
    expect(seen).toEqual({ keys: ['call', 'onEvent', 'transport'], transport: 'electron', ipcRenderer: 'undefined', require: 'undefined', process: 'undefined', electron: 'undefined' });
  });

  it('streams a full snapshot after ready', async () => {
    const first = await page.evaluate(
      () =>
        new Promise<{ type: string; sockets: number }>((resolve) => {
          const w = globalThis as unknown as Win;
          const off = w.porthole.onEvent((e: ServerEvent) => {
            if (e.type !== 'snapshot') return;
            off();
            resolve({ type: e.type, sockets: e.snapshot.sockets.length });
          });
          void w.porthole.call('ready');
        }),
    );
    expect(first.type).toBe('snapshot');
    expect(first.sockets).toBeGreaterThan(0);
  });

  it('refuses unknown verbs and bad arguments', async () => {
    const errors = await page.evaluate(async () => {
      const w = globalThis as unknown as Win;
      const call = w.porthole.call as (verb: string, ...args: unknown[]) => Promise<unknown>;
      const out: string[] = [];
      for (const [verb, args] of [['nope', []], ['diagnose', [70000]]] as const) {
        await call(verb, ...args).then(
          () => out.push('resolved'),
          (e: Error) => out.push(e.message),
        );
      }
      return out;
    });
    expect(errors[0]).toMatch(/unknown verb/);
    expect(errors[1]).toMatch(/diagnose: invalid arguments/);
  });

  it('opens no new windows from the page', async () => {
    const opened = await page.evaluate(() => (globalThis as unknown as { open(url: string): unknown }).open('https://example.com') === null);
    expect(opened).toBe(true);
    expect(app.windows()).toHaveLength(1);
  });

  it('creates the tray', async () => {
    await expect
      .poll(() => app.evaluate(() => (globalThis as { __portholeE2E?: { trayCreated: boolean } }).__portholeE2E?.trayCreated), { timeout: 10_000 })
      .toBe(true);
    const tooltip = await app.evaluate(() => (globalThis as { __portholeE2E?: { trayTooltip: string | null } }).__portholeE2E?.trayTooltip);
    expect(tooltip).toMatch(/^Porthole: /);
  });
});
