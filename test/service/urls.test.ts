import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLoopbackUrl } from '../../main/service/urls.js';

describe('isLoopbackUrl', () => {
  it.each(['http://localhost:3000/', 'https://127.0.0.1:8443/x?y', 'http://[::1]:5173', 'http://127.1.2.3/'])('allows %s', (url) => {
    expect(isLoopbackUrl(url)).toBe(true);
  });

  it.each([
    'file:///etc/passwd',
    'javascript:alert(1)',
    'http://example.com/',
    'http://localhost.evil.example/',
    'http://127.0.0.1.evil.example/',
    'http://user:pw@localhost:3000/',
    'ms-settings:',
    'http://192.168.1.10:3000/',
    'http://999.0.0.1/',
    '',
    'not a url',
  ])('refuses %s', (url) => {
    expect(isLoopbackUrl(url)).toBe(false);
  });

  it('never throws, and only ever allows http(s) URLs to loopback hosts', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.webUrl()), (text) => {
        const ok = isLoopbackUrl(text);
        if (ok) {
          const u = new URL(text);
          expect(['http:', 'https:']).toContain(u.protocol);
          expect(/^(localhost|\[::1\]|127\.\d+\.\d+\.\d+)$/.test(u.hostname)).toBe(true);
        }
      }),
    );
  });
});
