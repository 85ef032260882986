// Work that follows the first window but is no part of it: the update check. electron-updater is
// loaded only when a check is really made (a packaged, published build with the setting on), so
// dev runs and the lifecycle tests never load it.
import type { Settings } from '../core/contract.js';
import { maybeCheckForUpdates, type UpdateDeps } from './updates.js';

const lazyAutoUpdater: UpdateDeps['autoUpdater'] = {
  async checkForUpdatesAndNotify() {
    const { default: updater } = await import('electron-updater');
    return updater.autoUpdater.checkForUpdatesAndNotify();
  },
};

export function checkForUpdatesInBackground(app: { isPackaged: boolean }, settings: Pick<Settings, 'checkForUpdates'>, log: (message: string) => void): void {
  void maybeCheckForUpdates({ app, settings, autoUpdater: lazyAutoUpdater, log }).then((result) => log(`update check: ${result}`));
}
