// Debian's Chromium driven by playwright-core: nothing is downloaded. Tests that need it skip
// with a message when it is not installed (.ci/run installs it).
import { existsSync } from 'node:fs';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export function chromiumMissing(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  // macOS and Windows have no such path: these tests are the Linux job's (CI links Chrome there).
  if (process.platform !== 'linux') return `browser-mode tests run on Linux only, with Debian's ${CHROMIUM} (this is ${process.platform})`;
  return `${CHROMIUM} is not installed (apt-get install chromium)`;
}

export function launchChromium(extraArgs: string[] = [], options: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', ...extraArgs],
    ...options,
  });
}
