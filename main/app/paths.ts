// Where the built pieces are at run time. The main bundle lives in out/main, beside out/preload and
// out/renderer (electron.vite.config.ts); assets ship at the app's root (asar in a package).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface AppLocations {
  preload: string;
  renderer: string;
  assets: string;
}

export function appLocations(appPath: string, mainDir: string = path.dirname(fileURLToPath(import.meta.url))): AppLocations {
  return {
    // CommonJS: a sandboxed preload is run as a classic script, never as an ES module.
    preload: path.join(mainDir, '..', 'preload', 'index.cjs'),
    renderer: path.join(mainDir, '..', 'renderer'),
    assets: path.join(appPath, 'assets'),
  };
}

/** The window icon for Linux and Windows (macOS takes the bundle's .icns). */
export function windowIcon(assets: string, platform: NodeJS.Platform): string | undefined {
  if (platform === 'darwin') return undefined;
  return platform === 'win32' ? path.join(assets, 'icon.ico') : path.join(assets, 'icons', '256x256.png');
}
