// `porthole serve [--port N] [--open]`: the app in the browser, on 127.0.0.1 only. Prints one line
// with the address (token included) and runs until Ctrl+C. --open hands the browser a private
// redirect file, never the address itself (see serve/open-url.ts).
//   PORTHOLE_SETTINGS_FILE  use this settings file instead of the user's (tests, portable setups)
//   PORTHOLE_RENDERER_DIR   serve the built renderer from this folder (packaging, tests)
import { createBackend } from '../../serve/backend.js';
import { openInBrowser } from '../../serve/open-url.js';
import { findRendererDir } from '../../serve/renderer-dir.js';
import { startServer } from '../../serve/server.js';
import { SettingsStore, defaultSettingsFile } from '../../service/settings-store.js';
import type { CliIO } from '../io.js';

export async function runServe(options: { port: number; open: boolean }, io: CliIO, stopSignal?: AbortSignal): Promise<number> {
  const rendererDir = findRendererDir();
  if (!rendererDir) {
    io.err('porthole: the browser app is not built; run npm run build:renderer');
    return 1;
  }
  const settings = new SettingsStore(process.env.PORTHOLE_SETTINGS_FILE || defaultSettingsFile());
  const backend = createBackend(settings);
  let server;
  try {
    server = await startServer({ port: options.port, rendererDir, service: backend.service });
  } catch (error) {
    await backend.dispose();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') io.err(`porthole: port ${options.port} is in use (see: porthole ${options.port}); omit --port to pick a free one`);
    else io.err(`porthole: cannot start the server: ${(error as Error).message}`);
    return 1;
  }
  io.out(`Porthole is at ${server.url} (Ctrl+C to stop)`);
  const opened = options.open ? openInBrowser(server.url) : undefined;

  // The handler stays until the end: a second Ctrl+C while closing must not kill the process
  // half-way (closing is quick: sockets are cut, the worker terminated).
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  stopSignal?.addEventListener('abort', stop, { once: true });
  try {
    await stopped;
    await server.close();
    await backend.dispose();
  } finally {
    // The redirect file goes with the server if its minute is not up yet.
    opened?.cleanup();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  return 0;
}
