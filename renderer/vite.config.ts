// The renderer's build, shared by browser mode (this config as is) and Electron (electron.vite.config.ts
// reuses its plugins and settings). Two pages: the main window and the tray quick-view.
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = import.meta.dirname;

/**
 * index.html and tray.html carry the production CSP as a meta tag. The dev server needs an inline
 * preamble script (React Fast Refresh) and injects <style> tags, which that CSP forbids, so the
 * tag is dropped while serving only. Built pages keep it.
 */
function devWithoutCspMeta(): Plugin {
  return {
    name: 'porthole:dev-without-csp-meta',
    apply: 'serve',
    transformIndexHtml(html) {
      return html.replace(/<meta\s+http-equiv="Content-Security-Policy"[^>]*>\s*/i, '');
    },
  };
}

export default defineConfig({
  root,
  // Relative asset URLs: the same files load from app://, file:// or the browser-mode server.
  base: './',
  plugins: [react(), devWithoutCspMeta()],
  build: {
    outDir: path.join(root, '../out/renderer'),
    emptyOutDir: true,
    target: 'es2022',
    // Assets as files, never data: URLs inlined into CSS/JS (keeps img-src/style-src simple).
    assetsInlineLimit: 0,
    rolldownOptions: {
      input: {
        index: path.join(root, 'index.html'),
        tray: path.join(root, 'tray.html'),
      },
    },
  },
});
