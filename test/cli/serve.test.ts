// `porthole serve`, the real bundled command: one line with the address, the page under the
// token's path, a clean exit on Ctrl+C.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../core/spawned.js';
import { rendererMissing, startServe, URL_LINE, type ServeProcess } from '../serve/run-serve.js';

const missing = rendererMissing();
if (missing) console.warn(`test/cli/serve.test.ts skipped: ${missing}`);

// Windows has no SIGINT or SIGTERM to send: child.kill() ends the process outright there
// (TerminateProcess), so how it exits says nothing about a clean stop (a Ctrl+C typed in its own
// console would be one). The exit status is checked where the signal is real.
const signalsStopCleanly = process.platform !== 'win32';

const running: ServeProcess[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
});

describe.skipIf(missing !== undefined)('porthole serve', () => {
  it('prints exactly one line with the URL and token; the page answers 200 with it and 401 without; SIGINT exits 0', async () => {
    const serve = await startServe();
    running.push(serve);
    expect(serve.lines).toHaveLength(1);
    expect(serve.lines[0]).toMatch(URL_LINE);
    const page = await fetch(serve.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<html');
    const anonymous = await fetch(`http://127.0.0.1:${serve.port}/`);
    expect(anonymous.status).toBe(401);
    // The bundled command serves the same capability path: the old ?token= form admits nothing.
    expect((await fetch(`http://127.0.0.1:${serve.port}/?token=${serve.token}`)).status).toBe(401);
    // Serving alone never rewrites the settings file (the test wrote it compactly; the store writes indented).
    expect(readFileSync(serve.settingsFile, 'utf8')).not.toContain('\n');
    const { code, signal } = await serve.stop();
    if (signalsStopCleanly) expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(serve.lines).toHaveLength(1);
    expect(serve.stderr()).toBe('');
  });

  it('--port N serves on that port; SIGTERM also exits 0', async () => {
    const port = await freePort();
    const serve = await startServe({ args: ['--port', String(port)] });
    running.push(serve);
    expect(serve.port).toBe(port);
    expect((await fetch(serve.url)).status).toBe(200);
    const stopped = await serve.stop('SIGTERM');
    if (signalsStopCleanly) expect(stopped).toEqual({ code: 0, signal: null });
  });

  it('a port in use: one clear line on stderr, exit 1', async () => {
    const blocker = net.createServer().listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const { port } = blocker.address() as net.AddressInfo;
    try {
      await expect(startServe({ args: ['--port', String(port)] })).rejects.toThrow(new RegExp(`exited \\(1\\): porthole: port ${port} is in use`));
    } finally {
      blocker.close();
    }
  });
});

