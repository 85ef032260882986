// Browser mode's HTTP side and WebSocket admission, against a real server: who gets in, what is served.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INDEX_MARK, SECRET, startFixture, type Fixture } from './fixture.js';
import { ContractClient, rawRequest, rawUpgrade } from './clients.js';

let f: Fixture;
let port: number;
let token: string;
beforeAll(async () => {
  f = await startFixture();
  ({ port, token } = f.server);
});
afterAll(() => f.stop());

const PACKAGE_NAME = JSON.parse(readFileSync('package.json', 'utf8')).name as string;

describe('startServer', () => {
  it('listens on 127.0.0.1 and prints a URL carrying a 256-bit token', () => {
    expect(f.server.url).toBe(`http://127.0.0.1:${port}/?token=${token}`);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
  });

  it('refuses a non-loopback bind address', async () => {
    await expect(startFixtureWithHost('0.0.0.0')).rejects.toThrow(/loopback only/);
  });
});

describe('token', () => {
  it.each(['/', '/index.html', '/tray.html', '/assets/app.js'])('no token: 401 and nothing served for %s', async (path) => {
    const r = await rawRequest(port, { path });
    expect(r.status).toBe(401);
    expect(r.body).not.toContain(INDEX_MARK);
    expect(r.body).not.toContain('console.log');
    expect(r.headers['set-cookie']).toBeUndefined();
  });

  it('a wrong token, or a token of the wrong length, is 401', async () => {
    for (const bad of ['x', token.slice(0, -1), `${token}x`, token.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))]) {
      expect((await rawRequest(port, { path: `/?token=${encodeURIComponent(bad)}` })).status).toBe(401);
      expect((await rawRequest(port, { path: '/', headers: { Cookie: `porthole_${port}=${bad}` } })).status).toBe(401);
    }
  });

  it('a cookie for another port does not count', async () => {
    const r = await rawRequest(port, { path: '/', headers: { Cookie: `porthole_${port + 1}=${token}` } });
    expect(r.status).toBe(401);
  });

  it('the page with the token is served with a strict CSP, and sets an HttpOnly SameSite=Strict cookie', async () => {
    const r = await rawRequest(port, { path: `/?token=${token}` });
    expect(r.status).toBe(200);
    expect(r.body).toContain(INDEX_MARK);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['content-security-policy']).toBe(
      `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws://127.0.0.1:${port}; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
    );
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    expect(r.headers['set-cookie']).toEqual([`porthole_${port}=${token}; HttpOnly; SameSite=Strict; Path=/`]);
  });

  it('the cookie alone then authenticates assets and the WebSocket', async () => {
    const first = await rawRequest(port, { path: `/?token=${token}` });
    const cookie = first.headers['set-cookie']![0]!.split(';')[0]!;
    const js = await rawRequest(port, { path: '/assets/app.js', headers: { Cookie: `other=1; ${cookie}` } });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['content-security-policy']).toContain("default-src 'self'");
    const css = await rawRequest(port, { path: '/assets/app.css', headers: { Cookie: cookie } });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    const client = await ContractClient.connect(port, { cookie });
    expect((await client.request('getSettings', [])).ok).toBe(true);
    client.close();
  });

  it('HEAD is answered without a body; other methods are 405', async () => {
    const head = await rawRequest(port, { path: `/?token=${token}`, method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
      const r = await rawRequest(port, { path: `/?token=${token}`, method });
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
      const r = await rawRequest(port, { path: `/?token=${token}`, host: template.replace('PORT', String(port)) });
      expect(r.status).toBe(403);
      expect(r.body).not.toContain(INDEX_MARK);
      expect(r.headers['set-cookie']).toBeUndefined();
      expect(r.headers['content-security-policy']).toContain(`ws://127.0.0.1:${port}`);
    },
  );

  it('localhost:PORT is accepted, and its CSP allows the WebSocket under that name', async () => {
    const r = await rawRequest(port, { path: `/?token=${token}`, host: `localhost:${port}` });
    expect(r.status).toBe(200);
    expect(r.headers['content-security-policy']).toContain(`connect-src 'self' ws://localhost:${port};`);
  });
});

describe('paths', () => {
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
    'http://127.0.0.1/../secret.txt',
    '/%E0%A4%A',
  ])('%s is 400/404, never a file outside the build', async (path) => {
    const r = await rawRequest(port, { path: `${path}${path.includes('?') ? '&' : '?'}token=${token}` });
    expect([400, 404]).toContain(r.status);
    expect(r.body).not.toContain(SECRET);
    expect(r.body).not.toContain(PACKAGE_NAME);
  });

  it('an unknown file is 404', async () => {
    expect((await rawRequest(port, { path: `/nope.js?token=${token}` })).status).toBe(404);
    expect((await rawRequest(port, { path: `/assets?token=${token}` })).status).toBe(404);
  });
});

describe('WebSocket admission', () => {
  const origin = () => `http://127.0.0.1:${port}`;

  it('no token: 401, connection closed', async () => {
    expect(await rawUpgrade(port, '/ws', { Host: `127.0.0.1:${port}`, Origin: origin() })).toEqual({ status: 401, closed: true });
    expect(await rawUpgrade(port, '/ws?token=wrong', { Host: `127.0.0.1:${port}`, Origin: origin() })).toEqual({ status: 401, closed: true });
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
    const headers = Object.fromEntries(lines.map((l) => l.replaceAll('PORT', String(port)).split(': ') as [string, string]));
    expect(await rawUpgrade(port, `/ws?token=${token}`, headers)).toEqual({ status: 403, closed: true });
  });

  it('another path than /ws is not upgraded', async () => {
    const r = await rawUpgrade(port, `/other?token=${token}`, { Host: `127.0.0.1:${port}`, Origin: origin() });
    expect(r.status).not.toBe(101);
    expect(r.closed).toBe(true);
  });

  it('right Host, Origin and token: upgraded', async () => {
    expect((await rawUpgrade(port, `/ws?token=${token}`, { Host: `127.0.0.1:${port}`, Origin: origin() })).status).toBe(101);
    expect((await rawUpgrade(port, `/ws?token=${token}`, { Host: `localhost:${port}`, Origin: `http://localhost:${port}` })).status).toBe(101);
  });

  it('refused upgrades open no session', async () => {
    const opened: unknown[] = [];
    const original = f.backend.service.openSession.bind(f.backend.service);
    f.backend.service.openSession = (...args) => (opened.push(args), original(...args));
    try {
      await rawUpgrade(port, '/ws', { Host: `127.0.0.1:${port}`, Origin: origin() });
      await rawUpgrade(port, `/ws?token=${token}`, { Host: `127.0.0.1:${port}`, Origin: 'http://evil.example' });
      await rawUpgrade(port, `/ws?token=${token}`, { Host: `evil.example:${port}`, Origin: origin() });
      expect(opened).toHaveLength(0);
    } finally {
      f.backend.service.openSession = original;
    }
  });
});

async function startFixtureWithHost(host: string) {
  const { startServer } = await import('../../main/serve/server.js');
  return startServer({ port: 0, rendererDir: f.dir, service: f.backend.service, host: host as '127.0.0.1' });
}
