// Where the built renderer is. The CLI bundle lives in out/cli/, the renderer in out/renderer/;
// run from sources (tests, tsx), this file is main/serve/ and the build is at the repository root.
// PORTHOLE_RENDERER_DIR overrides both (packagers who put the assets elsewhere; tests that serve a
// private copy of the build while something else rebuilds out/renderer).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function findRendererDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = env.PORTHOLE_RENDERER_DIR
    ? [path.resolve(env.PORTHOLE_RENDERER_DIR)]
    : [path.resolve(here, '..', 'renderer'), path.resolve(here, '..', '..', 'out', 'renderer')];
  return candidates.find((dir) => existsSync(path.join(dir, 'index.html')));
}
