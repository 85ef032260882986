// Test hooks for the Playwright Electron tests, present only when PORTHOLE_E2E=1: a separate
// userData folder (its own settings and single-instance lock) and a peek at the tray, read from
// the test with electronApp.evaluate(() => globalThis.__portholeE2E).
export interface E2eProbe {
  trayCreated(): boolean;
  trayTooltip(): string | null;
}

export function e2eEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.PORTHOLE_E2E === '1';
}

export function e2eUserDataDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return e2eEnabled(env) && env.PORTHOLE_USER_DATA ? env.PORTHOLE_USER_DATA : undefined;
}

export function exposeE2eProbe(probe: E2eProbe, env: NodeJS.ProcessEnv = process.env): void {
  if (!e2eEnabled(env)) return;
  (globalThis as { __portholeE2E?: unknown }).__portholeE2E = {
    get trayCreated() {
      return probe.trayCreated();
    },
    get trayTooltip() {
      return probe.trayTooltip();
    },
  };
}
