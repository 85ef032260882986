// The small frameless window a tray click opens (renderer tray.html). It is a client of the
// service like the main window, visible only while shown.
import { BrowserWindow } from 'electron';
import { secureWebPreferences } from './security.js';

export const POPUP_SIZE = { width: 360, height: 480 } as const;

export function createTrayPopup(options: { url: string; preloadPath: string; devTools: boolean; onCreated(win: BrowserWindow): void }): BrowserWindow {
  const win = new BrowserWindow({
    ...POPUP_SIZE,
    show: false,
    frame: false,
    resizable: false,
    movable: false,
    minimizable: false,
    maximizable: false,
    fullscreenable: false,
    skipTaskbar: true,
    alwaysOnTop: true,
    backgroundColor: '#0f1720',
    webPreferences: secureWebPreferences(options.preloadPath, { devTools: options.devTools }),
  });
  // Keep it above full-screen apps on macOS, where the menu bar (and so the tray) still shows.
  win.setVisibleOnAllWorkspaces(true, { visibleOnFullScreen: true });
  options.onCreated(win);
  void win.loadURL(options.url);
  return win;
}
