// The CLI tests run the real, bundled command: build it once before any test file runs. Browser
// mode's tests (test/cli/serve.test.ts, test/e2e/) also need the built renderer: build it too, once
// the renderer has a build config, unless the build is newer than every source it comes from.
// A renderer that fails to build fails those tests (they say so), not the whole run: the engine's
// and the CLI's tests still report.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

const RENDERER_OUT = 'out/renderer';
/** What the renderer bundle is made of: its own folder, the shared core it imports, its deps. */
const RENDERER_SOURCES = ['renderer', 'main/core', 'package-lock.json'];

export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build-cli.mjs'], { stdio: 'inherit' });
  if (existsSync('renderer/vite.config.ts') && !rendererFresh()) buildRenderer();
}

function buildRenderer(): void {
  // Built aside, then swapped in: a server already running from out/renderer never sees it half-built.
  const temp = `out/.renderer-${process.pid}`;
  try {
    execFileSync(
      process.execPath,
      ['node_modules/vite/bin/vite.js', 'build', '--config', 'renderer/vite.config.ts', '--outDir', path.resolve(temp), '--emptyOutDir', '--logLevel', 'warn'],
      // Vitest sets NODE_ENV=test, which Vite would keep: React's development build, not what users get.
      { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } },
    );
    rmSync(RENDERER_OUT, { recursive: true, force: true });
    renameSync(temp, RENDERER_OUT);
  } catch {
    rmSync(temp, { recursive: true, force: true });
    // Never test a stale build.
    rmSync(RENDERER_OUT, { recursive: true, force: true });
    console.error('global-setup: the renderer failed to build (output above); browser-mode tests will fail.');
  }
}

function rendererFresh(): boolean {
  const built = path.join(RENDERER_OUT, 'index.html');
  if (!existsSync(built)) return false;
  const builtAt = statSync(built).mtimeMs;
  return RENDERER_SOURCES.every((p) => newestMtime(p) < builtAt);
}

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const info = statSync(p);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}
