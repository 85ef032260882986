// Map a request path to a file of the built renderer, and nothing else. The raw path is checked
// before and after decoding (so `%2e%2e`, `..%2f` and NUL are refused rather than normalised away),
// then resolved and checked against the folder twice: once as text, once after following symlinks.
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { contentTypeOf } from '../service/content-types.js';

export type StaticFile = { ok: true; file: string; contentType: string; html: boolean; size: number } | { ok: false; status: 400 | 404 };

/** `root` must already be a real path (no symlinks), as returned by fs.realpath. */
export async function resolveStatic(root: string, rawPath: string): Promise<StaticFile> {
  // Origin-form only ("/x"): absolute-form targets ("http://evil/x") and "*" have no business here.
  if (!rawPath.startsWith('/') || rawPath.startsWith('//')) return { ok: false, status: 400 };
  if (/%00|%5c|\\|\0/i.test(rawPath)) return { ok: false, status: 400 };
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return { ok: false, status: 400 };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { ok: false, status: 400 };
  const segments = decoded.split('/').slice(1);
  if (segments.some((s) => s === '..' || s === '.')) return { ok: false, status: 400 };
  // Dotfiles and empty segments ("/assets//x") are never part of a build: not found.
  const relative = decoded === '/' ? ['index.html'] : segments;
  if (relative.some((s) => s === '' || s.startsWith('.'))) return { ok: false, status: 404 };

  const candidate = path.resolve(root, ...relative);
  if (!inside(root, candidate)) return { ok: false, status: 404 };
  let real: string;
  try {
    real = await realpath(candidate);
    if (!inside(root, real)) return { ok: false, status: 404 };
    const info = await stat(real);
    if (!info.isFile()) return { ok: false, status: 404 };
    const ext = path.extname(real).toLowerCase();
    return { ok: true, file: real, contentType: contentTypeOf(real) ?? 'application/octet-stream', html: ext === '.html', size: info.size };
  } catch {
    return { ok: false, status: 404 };
  }
}

function inside(root: string, file: string): boolean {
  return file.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}
