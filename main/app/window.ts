// The main window: hidden until painted, bounds remembered, closing hides it (the tray stays).
import { BrowserWindow, screen } from 'electron';
import { secureWebPreferences } from './security.js';
import { DEFAULT_SIZE, MIN_SIZE, loadWindowState, restorableBounds, saveWindowState, type WindowState } from './window-state.js';

export interface MainWindowOptions {
  url: string;
  preloadPath: string;
  iconPath?: string;
  stateFile: string;
  devTools: boolean;
  /** false when launched at login into the tray. */
  showWhenReady: boolean;
  /** Closing only hides the window unless the app is quitting. */
  isQuitting(): boolean;
  /** Shown and not minimised: the service polls only while someone can see the table. */
  onVisibilityChange(visible: boolean): void;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const saved = loadWindowState(options.stateFile);
  const display = saved ? screen.getDisplayMatching(saved.bounds) : screen.getPrimaryDisplay();
  const bounds = restorableBounds(saved?.bounds, display.workArea);

  const win = new BrowserWindow({
    ...(bounds ?? DEFAULT_SIZE),
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false,
    title: 'Porthole',
    backgroundColor: '#0f1720',
    autoHideMenuBar: true,
    ...(options.iconPath ? { icon: options.iconPath } : {}),
    webPreferences: secureWebPreferences(options.preloadPath, { devTools: options.devTools }),
  });
  if (!bounds) win.center();
  if (bounds && saved?.maximized) win.maximize();

  win.once('ready-to-show', () => {
    if (options.showWhenReady) win.show();
  });

  let saveTimer: NodeJS.Timeout | undefined;
  const persist = () => {
    clearTimeout(saveTimer);
    if (win.isDestroyed() || win.isMinimized() || win.isFullScreen()) return;
    const state: WindowState = { bounds: win.isMaximized() ? win.getNormalBounds() : win.getBounds(), maximized: win.isMaximized() };
    try {
      saveWindowState(options.stateFile, state);
    } catch {
      // Losing the window position is not worth an error dialog.
    }
  };
  const persistSoon = () => {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(persist, 500);
  };
  win.on('resize', persistSoon);
  win.on('move', persistSoon);

  const report = () => {
    if (!win.isDestroyed()) options.onVisibilityChange(win.isVisible() && !win.isMinimized());
  };
  for (const event of ['show', 'hide', 'minimize', 'restore'] as const) win.on(event as 'show', report);

  win.on('close', (event) => {
    persist();
    if (options.isQuitting()) return;
    event.preventDefault();
    win.hide();
  });

  void win.loadURL(options.url);
  return win;
}

export function revealWindow(win: BrowserWindow): void {
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}
