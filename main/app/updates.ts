// Auto-update through electron-updater and the GitHub releases that release.yml publishes. Off
// unless all of these hold, because each missing one means an update could not work or was not
// wanted: the app is packaged (a dev run has nothing to replace), the build was published
// (electron-builder writes resources/app-update.yml only when `publish` is configured), it is not
// the Windows portable exe (nothing installed to update), and the user's checkForUpdates setting
// is on. A failed check (offline, rate-limited, unsigned macOS build) is logged, never thrown.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Settings } from '../core/contract.js';

export interface UpdateDeps {
  app: { isPackaged: boolean };
  settings: Pick<Settings, 'checkForUpdates'>;
  /** electron-updater's autoUpdater (injected: tests pass a fake; the import stays out of dev runs). */
  autoUpdater: { checkForUpdatesAndNotify(): Promise<unknown> };
  /** process.resourcesPath in Electron. */
  resourcesPath?: string;
  exists?: (file: string) => boolean;
  env?: NodeJS.ProcessEnv;
  log?: (message: string) => void;
}

export type UpdateCheck = 'checked' | 'not-packaged' | 'no-publish-config' | 'portable' | 'disabled' | 'failed';

export function updateConfigPath(resourcesPath: string): string {
  return path.join(resourcesPath, 'app-update.yml');
}

export async function maybeCheckForUpdates(deps: UpdateDeps): Promise<UpdateCheck> {
  const log = deps.log ?? (() => undefined);
  if (!deps.app.isPackaged) return 'not-packaged';
  const resourcesPath = deps.resourcesPath ?? (process as { resourcesPath?: string }).resourcesPath;
  if (!resourcesPath || !(deps.exists ?? existsSync)(updateConfigPath(resourcesPath))) return 'no-publish-config';
  // electron-builder's portable target sets this for the running exe; it has no installer to update.
  if ((deps.env ?? process.env).PORTABLE_EXECUTABLE_FILE) return 'portable';
  if (!deps.settings.checkForUpdates) return 'disabled';
  try {
    await deps.autoUpdater.checkForUpdatesAndNotify();
    return 'checked';
  } catch (error) {
    log(`update check failed: ${(error as Error).message}`);
    return 'failed';
  }
}
