// app://porthole/ maps onto out/renderer and nowhere else; the origin rules that IPC and the CSP
// share; where the built pieces are found.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, devServerOrigin, isTrustedUrl, originOf, pageUrl } from '../../main/app/origin.js';
import { appLocations } from '../../main/app/paths.js';
import { contentType, resolveAppFile, responseHeaders } from '../../main/app/protocol-files.js';

const root = path.resolve('/app/out/renderer');

describe('resolveAppFile', () => {
  it('serves files under the renderer folder', () => {
    expect(resolveAppFile(root, 'app://porthole/index.html')).toBe(path.join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://porthole/')).toBe(path.join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://porthole/assets/main-abc.js?x=1#y')).toBe(path.join(root, 'assets', 'main-abc.js'));
  });

  it('never escapes it', () => {
    for (const url of [
      'app://porthole/../../etc/passwd',
      'app://porthole/%2e%2e/%2e%2e/etc/passwd',
      'app://porthole/..%2f..%2fetc%2fpasswd',
      'app://porthole/a%5c..%5c..%5cx',
      'app://porthole/index.html%00.png',
      'app://porthole/%E0%A4%A',
    ]) {
      const file = resolveAppFile(root, url);
      expect(file === null || file.startsWith(root + path.sep), url).toBe(true);
    }
    expect(resolveAppFile(root, 'app://other/index.html')).toBeNull();
    expect(resolveAppFile(root, 'https://porthole/index.html')).toBeNull();
  });

  it('labels content and sets the CSP on documents', () => {
    expect(contentType('a/b.js')).toBe('text/javascript; charset=utf-8');
    expect(contentType('a/b.unknown')).toBe('application/octet-stream');
    expect(responseHeaders('/x/index.html', 'CSP')).toMatchObject({ 'content-security-policy': 'CSP', 'x-content-type-options': 'nosniff' });
    expect(responseHeaders('/x/a.css', 'CSP')).not.toHaveProperty('content-security-policy');
  });
});

describe('origins', () => {
  it('computes origins for app: by hand (Node says "null")', () => {
    expect(originOf('app://porthole/index.html')).toBe(APP_ORIGIN);
    expect(originOf('http://localhost:5173/tray.html')).toBe('http://localhost:5173');
    expect(originOf('file:///x')).toBeNull();
    expect(originOf('nonsense')).toBeNull();
    expect(isTrustedUrl('app://porthole/tray.html', [APP_ORIGIN])).toBe(true);
    expect(isTrustedUrl('app://porthole.evil.example/', [APP_ORIGIN])).toBe(false);
  });

  it('trusts the dev server only unpackaged and on loopback', () => {
    expect(devServerOrigin('http://localhost:5173/', false)).toBe('http://localhost:5173');
    expect(devServerOrigin('http://localhost:5173/', true)).toBeUndefined();
    expect(devServerOrigin('http://evil.example:5173/', false)).toBeUndefined();
    expect(devServerOrigin(undefined, false)).toBeUndefined();
    expect(pageUrl('tray')).toBe('app://porthole/tray.html');
    expect(pageUrl('index', 'http://localhost:5173')).toBe('http://localhost:5173/index.html');
  });

  it('finds the preload and pages beside the main bundle', () => {
    const where = appLocations('/app', '/app/out/main');
    expect(where).toEqual({
      preload: path.join('/app/out/preload/index.cjs'),
      renderer: path.join('/app/out/renderer'),
      assets: path.join('/app/assets'),
    });
  });
});
