// One build for the desktop app: main (ESM, Node), preload (CommonJS: a sandboxed preload is run as
// a classic script) and the renderer (renderer/vite.config.ts, shared with browser mode, with our
// two pages and output folder on top).
import { existsSync } from 'node:fs';
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, mergeConfig, type UserConfig as ElectronViteConfig } from 'electron-vite';
import { loadConfigFromFile, type UserConfig as ViteConfig } from 'vite';

const root = import.meta.dirname;
const rendererRoot = path.join(root, 'renderer');
const rendererConfigFile = path.join(rendererRoot, 'vite.config.ts');

/**
 * The renderer author's Vite settings (plugins, aliases, CSS...) minus what is ours to decide here:
 * where the pages are, which pages, and where they go.
 */
async function rendererBase(command: 'build' | 'serve', mode: string): Promise<ViteConfig> {
  if (!existsSync(rendererConfigFile)) return { plugins: [react()] };
  const loaded = await loadConfigFromFile({ command, mode }, rendererConfigFile, rendererRoot);
  const config = (loaded?.config ?? {}) as ViteConfig & { test?: unknown };
  const { build = {}, test: _test, root: _root, base: _base, ...rest } = config;
  const { rollupOptions, rolldownOptions, outDir: _outDir, ...buildRest } = build as typeof build & { rolldownOptions?: typeof build.rollupOptions };
  const { input: _i1, ...rollupRest } = rollupOptions ?? {};
  const { input: _i2, ...rolldownRest } = rolldownOptions ?? {};
  return { ...rest, build: { ...buildRest, rolldownOptions: { ...rollupRest, ...rolldownRest } } as ViteConfig['build'] };
}

export default defineConfig(async ({ command, mode }): Promise<ElectronViteConfig> => ({
  main: {
    build: {
      outDir: 'out/main',
      rolldownOptions: {
        input: {
          index: path.join(root, 'main/app/index.ts'),
          // MonitorHost looks for monitor-worker.js beside the bundle that loaded it.
          'monitor-worker': path.join(root, 'main/core/worker/monitor-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload can require('electron') and nothing else: everything else is inlined.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: path.join(root, 'preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: mergeConfig(await rendererBase(command, mode), {
    root: rendererRoot,
    build: {
      outDir: path.join(root, 'out/renderer'),
      emptyOutDir: true,
      rolldownOptions: {
        input: {
          index: path.join(rendererRoot, 'index.html'),
          tray: path.join(rendererRoot, 'tray.html'),
        },
      },
    },
  } satisfies ViteConfig),
}));
