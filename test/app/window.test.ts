// The renderer's cage as values: web preferences, CSP, navigation, new windows, webviews,
// permissions; plus window bounds restore. All pure: no Electron binary.
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { APP_ORIGIN } from '../../main/app/origin.js';
import {
  CONTENT_SECURITY_POLICY,
  denyWindowOpen,
  devContentSecurityPolicy,
  hardenSession,
  hardenWebContents,
  isNavigationAllowed,
  isPermissionAllowed,
  secureWebPreferences,
  withCsp,
  type HardenableContents,
  type HardenableSession,
} from '../../main/app/security.js';
import { restorableBounds } from '../../main/app/window-state.js';

describe('secureWebPreferences', () => {
  it('isolates, sandboxes and keeps Node out of every page', () => {
    const prefs = secureWebPreferences('/app/out/preload/index.cjs');
    expect(prefs).toEqual({
      preload: '/app/out/preload/index.cjs',
      devTools: false,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
    });
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
    expect(secureWebPreferences('/p', { devTools: true }).devTools).toBe(true);
  });
});

describe('Content-Security-Policy', () => {
  it('allows only our own scripts, styles and connections', () => {
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe|\*/);
  });

  it('relaxes for the dev server only what Vite needs', () => {
    const dev = devContentSecurityPolicy('http://localhost:5173');
    expect(dev).toContain("script-src 'self' 'unsafe-inline'");
    expect(dev).toContain("connect-src 'self' ws://localhost:5173");
    expect(dev).toContain("object-src 'none'");
    expect(dev).not.toContain('unsafe-eval');
  });

  it('is set on our documents, replacing any other, and nowhere else', () => {
    const options = { trustedOrigins: [APP_ORIGIN, 'http://localhost:5173'], csp: 'X' };
    expect(withCsp({ url: 'http://localhost:5173/index.html', resourceType: 'mainFrame', responseHeaders: { 'content-security-policy': ['lax'] } }, options)).toEqual({
      'Content-Security-Policy': ['X'],
    });
    expect(withCsp({ url: 'https://evil.example/', resourceType: 'mainFrame', responseHeaders: { a: ['b'] } }, options)).toEqual({ a: ['b'] });
    expect(withCsp({ url: 'http://localhost:5173/main.js', resourceType: 'script', responseHeaders: {} }, options)).toEqual({});
  });
});

describe('navigation and new windows', () => {
  it('allows only a move within the same document', () => {
    expect(isNavigationAllowed('app://porthole/index.html', 'app://porthole/index.html#conflicts')).toBe(true);
    expect(isNavigationAllowed('app://porthole/index.html', 'app://porthole/tray.html')).toBe(false);
    expect(isNavigationAllowed('app://porthole/index.html', 'https://evil.example/')).toBe(false);
    expect(isNavigationAllowed('app://porthole/index.html', 'file:///etc/passwd')).toBe(false);
    expect(isNavigationAllowed('app://porthole/index.html', 'not a url')).toBe(false);
  });

  it('denies every window.open', () => {
    expect(denyWindowOpen()).toEqual({ action: 'deny' });
  });

  it('wires the guards onto a webContents', () => {
    const emitter = new EventEmitter();
    let openHandler: (() => { action: 'deny' }) | undefined;
    const contents = Object.assign(emitter, {
      getURL: () => 'app://porthole/index.html',
      setWindowOpenHandler: (h: () => { action: 'deny' }) => void (openHandler = h),
    }) as unknown as HardenableContents & EventEmitter;
    hardenWebContents(contents);

    const away = { url: 'https://evil.example/', preventDefault: vi.fn() };
    emitter.emit('will-navigate', away);
    expect(away.preventDefault).toHaveBeenCalled();
    const redirect = { url: 'https://evil.example/', preventDefault: vi.fn() };
    emitter.emit('will-redirect', redirect);
    expect(redirect.preventDefault).toHaveBeenCalled();
    const hash = { url: 'app://porthole/index.html#x', preventDefault: vi.fn() };
    emitter.emit('will-navigate', hash);
    expect(hash.preventDefault).not.toHaveBeenCalled();
    const webview = { preventDefault: vi.fn() };
    emitter.emit('will-attach-webview', webview);
    expect(webview.preventDefault).toHaveBeenCalled();
    expect(openHandler?.()).toEqual({ action: 'deny' });
  });
});

describe('permissions', () => {
  it('grants notifications to our pages and nothing else to anyone', () => {
    const trusted = [APP_ORIGIN];
    expect(isPermissionAllowed('notifications', 'app://porthole/index.html', trusted)).toBe(true);
    expect(isPermissionAllowed('notifications', 'https://evil.example/', trusted)).toBe(false);
    for (const p of ['media', 'geolocation', 'clipboard-read', 'openExternal', 'fileSystem', 'hid', 'serial', 'usb']) {
      expect(isPermissionAllowed(p, 'app://porthole/index.html', trusted)).toBe(false);
    }
  });

  it('installs request and check handlers and the CSP hook on the session', () => {
    let request: Parameters<HardenableSession['setPermissionRequestHandler']>[0] | undefined;
    let check: Parameters<HardenableSession['setPermissionCheckHandler']>[0] | undefined;
    let headers: Parameters<HardenableSession['webRequest']['onHeadersReceived']>[0] | undefined;
    const session: HardenableSession = {
      setPermissionRequestHandler: (h) => void (request = h),
      setPermissionCheckHandler: (h) => void (check = h),
      webRequest: { onHeadersReceived: (l) => void (headers = l) },
    };
    hardenSession(session, { trustedOrigins: [APP_ORIGIN], csp: CONTENT_SECURITY_POLICY });
    const answers: boolean[] = [];
    request?.({}, 'media', (granted) => answers.push(granted), { requestingUrl: 'app://porthole/index.html' });
    request?.({}, 'notifications', (granted) => answers.push(granted), { requestingUrl: 'app://porthole/index.html' });
    expect(answers).toEqual([false, true]);
    expect(check?.({}, 'notifications', 'app://porthole')).toBe(true);
    expect(check?.({}, 'clipboard-read', 'app://porthole')).toBe(false);
    let out: unknown;
    headers?.({ url: 'app://porthole/index.html', resourceType: 'mainFrame', responseHeaders: {} }, (r) => (out = r));
    expect(out).toEqual({ responseHeaders: { 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
});

describe('restorableBounds', () => {
  const workArea = { x: 0, y: 25, width: 1440, height: 875 };

  it('restores bounds that are on the display', () => {
    expect(restorableBounds({ x: 100, y: 100, width: 1000, height: 700 }, workArea)).toEqual({ x: 100, y: 100, width: 1000, height: 700 });
  });

  it('forgets bounds on a display that is gone', () => {
    expect(restorableBounds({ x: 3000, y: 100, width: 1000, height: 700 }, workArea)).toBeUndefined();
    expect(restorableBounds({ x: 100, y: -600, width: 1000, height: 700 }, workArea)).toBeUndefined();
    expect(restorableBounds(undefined, workArea)).toBeUndefined();
  });

  it('shrinks a window larger than the display', () => {
    expect(restorableBounds({ x: 0, y: 25, width: 2560, height: 1400 }, workArea)).toEqual({ x: 0, y: 25, width: 1440, height: 875 });
  });
});
