// Modules loaded only on the rare paths that need them. Through require, never import(): the
// porthole command runs its bundle inside a vm.Script (for V8's code cache, see bin/porthole.cjs),
// where import() fails unless Node runs with an experimental flag.
import { createRequire } from 'node:module';

const requireHere = createRequire(import.meta.url);

/** systeminformation: large, and only the last-resort collector and the traffic chart use it. */
export function systeminformation(): typeof import('systeminformation') {
  try {
    return requireHere('systeminformation') as typeof import('systeminformation');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    throw new Error('systeminformation is missing from this installation (run npm install again)', { cause: error });
  }
}

/** node:fs/promises: only machines without ss read /proc/net with it (~1.5 ms of every start). */
export function fsPromises(): typeof import('node:fs/promises') {
  return requireHere('node:fs/promises') as typeof import('node:fs/promises');
}
