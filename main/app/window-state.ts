// The main window's size and position across launches, kept apart from the user's settings (the
// contract's SettingsSchema is what pages may change; bounds are the app's own business).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  bounds: Bounds;
  maximized: boolean;
}

export const DEFAULT_SIZE = { width: 1100, height: 720 } as const;
export const MIN_SIZE = { width: 640, height: 400 } as const;

export function loadWindowState(file: string): WindowState | undefined {
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<WindowState>;
    const b = raw.bounds;
    if (!b || ![b.x, b.y, b.width, b.height].every((n) => Number.isInteger(n))) return undefined;
    return { bounds: { x: b.x, y: b.y, width: b.width, height: b.height }, maximized: raw.maximized === true };
  } catch {
    return undefined;
  }
}

export function saveWindowState(file: string, state: WindowState): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(state)}\n`);
  renameSync(temp, file);
}

/**
 * The saved bounds if enough of the window's title bar area would land on the display that best
 * matches them (a monitor unplugged since, a resolution change), shrunk to fit that display's work
 * area; otherwise undefined, and the window opens centred at its default size.
 */
export function restorableBounds(saved: Bounds | undefined, workArea: Bounds): Bounds | undefined {
  if (!saved) return undefined;
  const width = Math.max(MIN_SIZE.width, Math.min(saved.width, workArea.width));
  const height = Math.max(MIN_SIZE.height, Math.min(saved.height, workArea.height));
  const overlapX = Math.min(saved.x + width, workArea.x + workArea.width) - Math.max(saved.x, workArea.x);
  const overlapY = Math.min(saved.y + height, workArea.y + workArea.height) - Math.max(saved.y, workArea.y);
  // The top edge must be on screen (it is what you drag), and a usable piece of the width.
  const topVisible = saved.y >= workArea.y && saved.y < workArea.y + workArea.height - 40;
  if (overlapX < 120 || overlapY < 80 || !topVisible) return undefined;
  return { x: saved.x, y: saved.y, width, height };
}
