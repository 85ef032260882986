// The renderer's cage, as pure values and handlers so a Node test can check each one. window.ts,
// tray-popup.ts and index.ts apply them; docs/SECURITY.md maps each to Electron's checklist.
import type { WebPreferences } from 'electron';
import { isTrustedUrl } from './origin.js';

/**
 * Every window we create gets exactly these; nothing is opt-in per window. DevTools only while
 * developing: in a package nobody should be talked into pasting code into a console.
 */
export function secureWebPreferences(preloadPath: string, options: { devTools?: boolean } = {}): WebPreferences {
  return {
    preload: preloadPath,
    devTools: options.devTools ?? false,
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
  };
}

const CSP_DIRECTIVES: ReadonlyArray<readonly [string, string]> = [
  ['default-src', "'self'"],
  ['script-src', "'self'"],
  ['style-src', "'self'"],
  ['img-src', "'self' data:"],
  ['connect-src', "'self'"],
  ['font-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
  ['frame-ancestors', "'none'"],
];

export const CONTENT_SECURITY_POLICY = CSP_DIRECTIVES.map(([k, v]) => `${k} ${v}`).join('; ');

/**
 * Vite's dev server needs an inline preamble script (React Fast Refresh), injected <style> tags and
 * a WebSocket back to itself. Used only for the loopback dev server of an unpackaged app.
 */
export function devContentSecurityPolicy(devOrigin: string): string {
  const ws = devOrigin.replace(/^http/, 'ws');
  return CSP_DIRECTIVES.map(([k, v]) => {
    if (k === 'script-src') return `${k} ${v} 'unsafe-inline'`;
    if (k === 'style-src') return `${k} ${v} 'unsafe-inline'`;
    if (k === 'connect-src') return `${k} ${v} ${ws}`;
    return `${k} ${v}`;
  }).join('; ');
}

/** Only an in-page move (a #hash on the same document) is a navigation we let happen. */
export function isNavigationAllowed(currentUrl: string, targetUrl: string): boolean {
  try {
    const from = new URL(currentUrl);
    const to = new URL(targetUrl);
    from.hash = '';
    to.hash = '';
    return from.href === to.href;
  } catch {
    return false;
  }
}

/** window.open, target=_blank, middle clicks: never a new window. Links go through openExternal. */
export function denyWindowOpen(): { action: 'deny' } {
  return { action: 'deny' };
}

/** The renderer may show notifications (a watched port taken); camera, geolocation and the rest: no. */
export function isPermissionAllowed(permission: string, requestingUrl: string, trustedOrigins: readonly string[]): boolean {
  return permission === 'notifications' && isTrustedUrl(requestingUrl, trustedOrigins);
}

// The parts of WebContents and Session the hardening touches, so tests can drive them with fakes.
interface NavigationEvent {
  readonly url: string;
  preventDefault(): void;
}
export interface HardenableContents {
  getURL(): string;
  on(event: 'will-navigate' | 'will-redirect', listener: (details: NavigationEvent) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: () => { action: 'deny' }): void;
}

/** Applied to every webContents the app ever creates (app 'web-contents-created'). */
export function hardenWebContents(contents: HardenableContents): void {
  const guard = (details: NavigationEvent) => {
    if (!isNavigationAllowed(contents.getURL(), details.url)) details.preventDefault();
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(denyWindowOpen);
}

interface HeadersDetails {
  url: string;
  resourceType: string;
  responseHeaders?: Record<string, string[] | string>;
}
export interface HardenableSession {
  setPermissionRequestHandler(
    handler: (contents: unknown, permission: string, callback: (granted: boolean) => void, details: { requestingUrl: string }) => void,
  ): void;
  setPermissionCheckHandler(handler: (contents: unknown, permission: string, requestingOrigin: string) => boolean): void;
  webRequest: {
    onHeadersReceived(listener: (details: HeadersDetails, callback: (response: { responseHeaders?: Record<string, string[] | string> }) => void) => void): void;
  };
}

/**
 * Permissions and the CSP header for the session our pages live in. app:// responses carry the CSP
 * themselves (protocol.ts); this hook covers pages fetched over http (the dev server).
 */
export function hardenSession(session: HardenableSession, options: { trustedOrigins: readonly string[]; csp: string }): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(isPermissionAllowed(permission, details.requestingUrl, options.trustedOrigins)),
  );
  session.setPermissionCheckHandler((_contents, permission, origin) => isPermissionAllowed(permission, origin, options.trustedOrigins));
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCsp(details, options) });
  });
}

/** The response headers with our CSP set on our own documents; everything else passes unchanged. */
export function withCsp(details: HeadersDetails, options: { trustedOrigins: readonly string[]; csp: string }): Record<string, string[] | string> {
  const headers = { ...(details.responseHeaders ?? {}) };
  if (details.resourceType !== 'mainFrame' && details.resourceType !== 'subFrame') return headers;
  if (!isTrustedUrl(details.url, options.trustedOrigins)) return headers;
  for (const key of Object.keys(headers)) if (key.toLowerCase() === 'content-security-policy') delete headers[key];
  headers['Content-Security-Policy'] = [options.csp];
  return headers;
}
