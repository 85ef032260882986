// Browser mode's HTTP side and WebSocket admission, against a real server: who gets in, what is served.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INDEX_MARK, SECRET, startFixture, type Fixture } from './fixture.js';
import { ContractClient, rawExchange, rawRequest, rawUpgrade } from './clients.js';

let f: Fixture;
let port: number;
let token: string;
beforeAll(async () => {
  f = await startFixture();
  ({ port, token } = f.server);
});
afterAll(() => f.stop());

const PACKAGE_NAME = JSON.parse(readFileSync('package.json', 'utf8')).name as string;

/** A path under the token, as the page and its assets are requested. */
const under = (path: string) => `/${token}${path}`;

describe('startServer', () => {
  it('listens on 127.0.0.1 and prints a URL whose path is a 256-bit token', () => {
    expect(f.server.url).toBe(`http://127.0.0.1:${port}/${token}/`);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
  });

  it('refuses a non-loopback bind address', async () => {
    await expect(startFixtureWithHost('0.0.0.0')).rejects.toThrow(/loopback only/);
  });
});

describe('token (the first path segment)', () => {
  it.each(['/', '/index.html', '/tray.html', '/assets/app.js', '/ws'])('no token: 401, a pointer to the printed address, nothing served, for %s', async (path) => {
    const r = await rawRequest(port, { path });
    expect(r.status).toBe(401);
    expect(r.body).toContain('open the whole address `porthole serve` printed');
    expect(r.body).not.toContain(INDEX_MARK);
    expect(r.body).not.toContain('console.log');
  });

  it('a wrong token, one of the wrong length, or the right one elsewhere in the path, is 401', async () => {
    const wrong = ['x', token.slice(0, -1), `${token}x`, token.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')), encodeURIComponent(token).replace(/./, (c) => `%${c.charCodeAt(0).toString(16)}`)];
    for (const bad of wrong) {
      expect((await rawRequest(port, { path: `/${bad}/` })).status).toBe(401);
      expect((await rawRequest(port, { path: `/${bad}/assets/app.js` })).status).toBe(401);
    }
    for (const path of [`/assets/${token}/app.js`, `//${token}/`, `/./${token}/`, `/x/../${token}/`]) {
      expect((await rawRequest(port, { path })).status).toBe(401);
    }
  });

  it('?token= and a cookie no longer admit anything', async () => {
    expect((await rawRequest(port, { path: `/?token=${token}` })).status).toBe(401);
    expect((await rawRequest(port, { path: '/', headers: { Cookie: `porthole_${port}=${token}` } })).status).toBe(401);
    expect((await rawUpgrade(port, `/ws?token=${token}`, { Host: `127.0.0.1:${port}`, Origin: `http://127.0.0.1:${port}` })).status).toBe(401);
  });

  it('the page under the token is served with a strict CSP and no cookie; so are its assets', async () => {
    for (const path of ['/', '/index.html', '/?x=1']) {
      const r = await rawRequest(port, { path: under(path) });
      expect(r.status).toBe(200);
      expect(r.body).toContain(INDEX_MARK);
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(r.headers['cache-control']).toBe('no-store');
      expect(r.headers['content-security-policy']).toBe(
        `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws://127.0.0.1:${port}; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
      );
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
      expect(r.headers['set-cookie']).toBeUndefined();
    }
    const js = await rawRequest(port, { path: under('/assets/app.js') });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['content-security-policy']).toContain("default-src 'self'");
    expect(js.headers['set-cookie']).toBeUndefined();
    expect((await rawRequest(port, { path: under('/assets/app.css') })).headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('the token without its slash is redirected to the folder (relative assets need it)', async () => {
    const r = await rawRequest(port, { path: `/${token}` });
    expect(r.status).toBe(308);
    expect(r.headers.location).toBe(`/${token}/`);
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    expect((await rawRequest(port, { path: `/${token.slice(0, -1)}` })).status).toBe(401);
  });

  it('HEAD is answered without a body; other methods are 405', async () => {
    const head = await rawRequest(port, { path: under('/'), method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
      const r = await rawRequest(port, { path: under('/'), method });
      expect(r.status).toBe(405);
      expect(r.headers.allow).toBe('GET, HEAD');
      expect(r.body).not.toContain(INDEX_MARK);
    }
  });
});

describe('Host header (DNS rebinding)', () => {
  it.each(['evil.example:PORT', '127.0.0.1:1', '127.0.0.1', '127.0.0.2:PORT', '[::1]:PORT', '0.0.0.0:PORT', 'localhost.evil.example:PORT', ''])(
    'Host "%s" is 403 even with the token',
    async (template) => {
      const r = await rawRequest(port, { path: under('/'), host: template.replace('PORT', String(port)) });
      expect(r.status).toBe(403);
      expect(r.body).not.toContain(INDEX_MARK);
      expect(r.headers['content-security-policy']).toContain(`ws://127.0.0.1:${port}`);
    },
  );

  it('localhost:PORT is accepted, and its CSP allows the WebSocket under that name', async () => {
    const r = await rawRequest(port, { path: under('/'), host: `localhost:${port}` });
    expect(r.status).toBe(200);
    expect(r.headers['content-security-policy']).toContain(`connect-src 'self' ws://localhost:${port};`);
  });
});

describe('paths after the token', () => {
  it.each([
    '/../package.json',
    '/../../package.json',
    '/%2e%2e/package.json',
    '/%2E%2E/%2e%2e/package.json',
    '/assets/..%2f..%2fpackage.json',
    '/assets/%2e%2e%2f%2e%2e%2fpackage.json',
    '/..%5c..%5cpackage.json',
    '/assets/..\\..\\package.json',
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/link.txt',
    '/.env',
    '/index.html%00.js',
    '/assets/%252e%252e/secret.txt',
    '//etc/passwd',
    '/%E0%A4%A',
    '/ws',
  ])('/<token>%s is 400/404, never a file outside the build', async (path) => {
    const r = await rawRequest(port, { path: under(path) });
    expect([400, 404]).toContain(r.status);
    expect(r.body).not.toContain(SECRET);
    expect(r.body).not.toContain(PACKAGE_NAME);
  });

  it('an absolute-form target is no path under the token: 401', async () => {
    expect((await rawRequest(port, { path: `http://127.0.0.1/${token}/../secret.txt` })).status).toBe(401);
  });

  it('an unknown file is 404', async () => {
    expect((await rawRequest(port, { path: under('/nope.js') })).status).toBe(404);
    expect((await rawRequest(port, { path: under('/assets') })).status).toBe(404);
  });
});

describe('WebSocket admission', () => {
  const origin = () => `http://127.0.0.1:${port}`;
  const headers = () => ({ Host: `127.0.0.1:${port}`, Origin: origin() });

  it('no token or a wrong one: 401, connection closed', async () => {
    expect(await rawUpgrade(port, '/ws', headers())).toEqual({ status: 401, closed: true });
    expect(await rawUpgrade(port, '/wrong/ws', headers())).toEqual({ status: 401, closed: true });
    expect(await rawUpgrade(port, `/${token}x/ws`, headers())).toEqual({ status: 401, closed: true });
  });

  const H = 'Host: 127.0.0.1:PORT';
  it.each([
    ['a foreign Origin', [H, 'Origin: http://evil.example']],
    ['another local port as Origin', [H, 'Origin: http://127.0.0.1:1']],
    ['https Origin', [H, 'Origin: https://127.0.0.1:PORT']],
    ['localhost Origin under a 127.0.0.1 Host', [H, 'Origin: http://localhost:PORT']],
    ['the "null" Origin', [H, 'Origin: null']],
    ['no Origin', [H]],
    ['a wrong Host', ['Host: evil.example:PORT', 'Origin: http://evil.example:PORT']],
    ['a Host on another port', ['Host: 127.0.0.1:1', 'Origin: http://127.0.0.1:PORT']],
  ])('%s: 403 even with the token, connection closed', async (_what, lines) => {
    const sent = Object.fromEntries(lines.map((l) => l.replaceAll('PORT', String(port)).split(': ') as [string, string]));
    expect(await rawUpgrade(port, under('/ws'), sent)).toEqual({ status: 403, closed: true });
  });

  it('another path under the token than /ws is not upgraded', async () => {
    for (const path of ['/other', '/ws/', '/', '/assets/ws']) {
      expect(await rawUpgrade(port, under(path), headers())).toEqual({ status: 404, closed: true });
    }
  });

  it('right Host, Origin and /<token>/ws: upgraded', async () => {
    expect((await rawUpgrade(port, under('/ws'), headers())).status).toBe(101);
    expect((await rawUpgrade(port, under('/ws'), { Host: `localhost:${port}`, Origin: `http://localhost:${port}` })).status).toBe(101);
  });

  it('refused upgrades open no session', async () => {
    const opened: unknown[] = [];
    const original = f.backend.service.openSession.bind(f.backend.service);
    f.backend.service.openSession = (...args) => (opened.push(args), original(...args));
    try {
      await rawUpgrade(port, '/ws', headers());
      await rawUpgrade(port, under('/ws'), { Host: `127.0.0.1:${port}`, Origin: 'http://evil.example' });
      await rawUpgrade(port, under('/ws'), { Host: `evil.example:${port}`, Origin: origin() });
      expect(opened).toHaveLength(0);
      const client = await ContractClient.connect(port, { token });
      expect(opened).toHaveLength(1); // ...so the spy would have seen one
      client.close();
    } finally {
      f.backend.service.openSession = original;
    }
  });
});

describe("requests Node's HTTP parser rejects", () => {
  it.each([
    { what: 'a 20 KB URL', status: '431', request: () => `GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n` },
    { what: 'a header line without a colon', status: '400', request: () => `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nthis is not a header\r\n\r\n` },
    { what: 'a request line that is not HTTP', status: '400', request: () => 'HELLO\r\n\r\n' },
  ])('$what: $status with the security headers and Connection: close, then the socket is closed', async ({ request, status }) => {
    const r = await rawExchange(port, request());
    expect(r.statusLine).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
    expect(r.headers['content-security-policy']).toBe(
      `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws://127.0.0.1:${port}; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
    );
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(r.headers.connection).toBe('close');
    expect(r.closed).toBe(true);
  });

  it('the server still answers afterwards', async () => {
    await rawExchange(port, 'HELLO\r\n\r\n');
    expect((await rawRequest(port, { path: under('/') })).status).toBe(200);
  });
});

async function startFixtureWithHost(host: string) {
  const { startServer } = await import('../../main/serve/server.js');
  return startServer({ port: 0, rendererDir: f.dir, service: f.backend.service, host: host as '127.0.0.1' });
}
