// Which file an app:// request maps to, and the headers it is served with. Pure, so the path
// traversal guard is tested without Electron.
import path from 'node:path';
import { APP_HOST, APP_SCHEME } from './origin.js';
import { contentTypeOf } from '../service/content-types.js';

/**
 * The file under rootDir that app://porthole/<path> names, or null when the request is not ours
 * or would escape rootDir ("..", encoded slashes, NUL bytes).
 */
export function resolveAppFile(rootDir: string, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  if (pathname === '/' || pathname === '') pathname = '/index.html';
  const root = path.resolve(rootDir);
  const file = path.resolve(root, `.${path.posix.normalize(pathname)}`);
  return file.startsWith(root + path.sep) ? file : null;
}

export function contentType(file: string): string {
  return contentTypeOf(file) ?? 'application/octet-stream';
}

export function responseHeaders(file: string, csp: string): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': contentType(file),
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-cache',
  };
  if (file.endsWith('.html')) headers['content-security-policy'] = csp;
  return headers;
}
