// Where the app's own pages come from, and the one test of "is this URL ours?" that navigation
// guards, IPC sender checks and the CSP hook all share. Pure: no Electron.
import { isLoopbackUrl } from '../service/urls.js';

/**
 * Packaged pages are served from app://porthole/ (protocol.ts), not file://: a privileged standard
 * scheme gives the pages a real origin of their own, so 'self' in the CSP means "our bundle" and
 * not "any file on the disk", and a sender check can compare origins exactly.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'porthole';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

export type Page = 'index' | 'tray';

/**
 * The electron-vite dev server (ELECTRON_RENDERER_URL), trusted only when the app is not packaged
 * and the URL is plain http(s) on loopback: an environment variable must not be able to point a
 * packaged app, or any build, at a remote page that would then get the bridge.
 */
export function devServerOrigin(devUrl: string | undefined, packaged: boolean): string | undefined {
  if (packaged || !devUrl || !isLoopbackUrl(devUrl)) return undefined;
  return originOf(devUrl) ?? undefined;
}

export function pageUrl(page: Page, devOrigin?: string): string {
  return `${devOrigin ?? APP_ORIGIN}/${page}.html`;
}

/**
 * scheme://host[:port], computed by hand: Node's URL gives "null" as the origin of non-special
 * schemes such as app:, while Chromium treats a registered standard scheme as a real origin.
 */
export function originOf(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (!parsed.host) return null;
  return `${parsed.protocol}//${parsed.host}`.toLowerCase();
}

export function isTrustedUrl(url: string, trustedOrigins: readonly string[]): boolean {
  const origin = originOf(url);
  return origin !== null && trustedOrigins.includes(origin);
}
