// Which files the elevated collector is made of. The CLI bundle is unpacked from the asar archive
// (electron-builder.yml: asarUnpack) so that it is a real file: one we can check before elevating
// (trust.ts), and one that the elevated process reads directly rather than through Electron's asar
// layer. The app's own binary runs it, in Node mode (ELECTRON_RUN_AS_NODE=1): no separate Node.
import path from 'node:path';

export interface CollectorLocation {
  cliPath: string;
  nodePath: string;
}

export interface AppFacts {
  isPackaged: boolean;
  /** process.resourcesPath in a packaged app. */
  resourcesPath: string;
  /** app.getAppPath(): the repository root in development. */
  appPath: string;
  /** process.execPath: Electron's binary. */
  execPath: string;
}

export const CLI_BUNDLE = path.join('out', 'cli', 'porthole.cjs');

export function collectorPaths(facts: AppFacts): CollectorLocation {
  const root = facts.isPackaged ? path.join(facts.resourcesPath, 'app.asar.unpacked') : facts.appPath;
  return { cliPath: path.join(root, CLI_BUNDLE), nodePath: facts.execPath };
}
