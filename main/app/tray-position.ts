// Where the tray popup opens: against the tray icon, on the side of the screen the icon is on
// (below a macOS menu bar, above a Windows taskbar), and always inside the work area. Pure.
import type { Bounds } from './window-state.js';

const GAP = 4;

export function popupPosition(tray: Bounds, size: { width: number; height: number }, workArea: Bounds): { x: number; y: number } {
  const clampX = (x: number) => Math.round(Math.min(Math.max(x, workArea.x + GAP), workArea.x + workArea.width - size.width - GAP));
  const clampY = (y: number) => Math.round(Math.min(Math.max(y, workArea.y + GAP), workArea.y + workArea.height - size.height - GAP));
  // Some Linux trays report no bounds at all: top-right corner, where most panels keep the tray.
  if (tray.width === 0 && tray.height === 0) return { x: clampX(workArea.x + workArea.width), y: clampY(workArea.y) };

  const centreX = tray.x + tray.width / 2;
  const centreY = tray.y + tray.height / 2;
  const onTop = centreY < workArea.y + workArea.height / 2;
  const onLeft = tray.x + tray.width <= workArea.x;
  const onRight = tray.x >= workArea.x + workArea.width;
  // A vertical Windows taskbar: open beside it, level with the icon.
  if (onLeft) return { x: clampX(tray.x + tray.width + GAP), y: clampY(centreY - size.height / 2) };
  if (onRight) return { x: clampX(tray.x - size.width - GAP), y: clampY(centreY - size.height / 2) };
  const y = onTop ? tray.y + tray.height + GAP : tray.y - size.height - GAP;
  return { x: clampX(centreX - size.width / 2), y: clampY(y) };
}
