// app://porthole/ serves the built renderer (out/renderer). See origin.ts for why not file://.
import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { APP_SCHEME } from './origin.js';
import { resolveAppFile, responseHeaders } from './protocol-files.js';

/** Must run before app 'ready': privileges can only be granted then. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      // standard: relative URLs and a real origin; secure: treated like https (no mixed-content
      // downgrade); no bypassCSP, no corsEnabled, no service workers: the pages need none of it.
      privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
    },
  ]);
}

export function serveRenderer(rootDir: string, csp: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405 });
    const file = resolveAppFile(rootDir, request.url);
    if (!file) return new Response('Not found', { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers: responseHeaders(file, csp) });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}
