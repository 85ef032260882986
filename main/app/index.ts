// Electron main: the lifecycle, as functions (Electron Fiddle's shape). One instance; settings ->
// monitor -> service -> IPC -> window -> tray. Closing the window hides it: the tray keeps
// Porthole running until Quit (tray menu, Cmd/Ctrl+Q, app menu), which sets `quitting` first.
import { BrowserWindow, Menu, Tray, app, clipboard, dialog, ipcMain, nativeImage, screen, session, shell } from 'electron';
import log from 'electron-log/main';
import path from 'node:path';
import type { KillPlanView } from '../core/contract.js';
import { PortholeService } from '../service/service.js';
import { SettingsStore } from '../service/settings-store.js';
import { createTrafficSampler } from '../service/traffic.js';
import { isLoopbackUrl } from '../service/urls.js';
import { CONFIRM_BUTTON, killConfirmation } from './dialogs.js';
import { e2eUserDataDir, exposeE2eProbe } from './e2e.js';
import { IpcTransport, createSenderCheck, type Attached } from './ipc.js';
import { bindStartAtLogin, launchedHidden } from './login.js';
import { appMenuTemplate } from './menu.js';
import { createMonitor } from './monitor.js';
import { APP_ORIGIN, devServerOrigin, pageUrl } from './origin.js';
import { appLocations, windowIcon } from './paths.js';
import { registerAppScheme, serveRenderer } from './protocol.js';
import { CONTENT_SECURITY_POLICY, devContentSecurityPolicy, hardenSession, hardenWebContents } from './security.js';
import { SnapshotState } from './snapshot-state.js';
import { checkForUpdatesInBackground } from './startup-tasks.js';
import { TrayService } from './tray.js';
import type { TrayActions } from './tray-menu.js';
import { trayView } from './tray-model.js';
import { createTrayPopup } from './tray-popup.js';
import { createMainWindow, revealWindow } from './window.js';

interface Running {
  service: PortholeService;
  settings: SettingsStore;
  ipc: IpcTransport;
  mainWindow: BrowserWindow | undefined;
  tray: TrayService<Electron.NativeImage, Electron.Menu> | undefined;
  closeMonitor(): Promise<void>;
}

let quitting = false;
let running: Running | undefined;

export function main(argv: readonly string[] = process.argv): void {
  const userData = e2eUserDataDir();
  if (userData) app.setPath('userData', userData);
  // A second launch (a dock click, the login item while already running) focuses the first.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  registerAppScheme();
  app.on('second-instance', () => showMainWindow());
  app.on('before-quit', () => {
    quitting = true;
  });
  // Every webContents, including any we did not expect, gets the navigation and window guards.
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  // Listening here keeps the app alive with no window: it lives in the tray.
  app.on('window-all-closed', () => undefined);
  app.on('activate', () => showMainWindow());
  // Quit waits for the monitor to close: with "Show all owners" on, that stops the root collector
  // and removes its output folder, which must not be left behind.
  app.on('will-quit', (event) => {
    if (!running) return;
    event.preventDefault();
    void shutdown().finally(() => app.quit());
  });
  app
    .whenReady()
    .then(() => onReady(argv))
    .catch((error: unknown) => fatal(error));
}

export function onReady(argv: readonly string[]): void {
  const where = appLocations(app.getAppPath());
  const devOrigin = devServerOrigin(process.env.ELECTRON_RENDERER_URL, app.isPackaged);
  const trustedOrigins = devOrigin ? [APP_ORIGIN, devOrigin] : [APP_ORIGIN];

  serveRenderer(where.renderer, CONTENT_SECURITY_POLICY);
  hardenSession(session.defaultSession, { trustedOrigins, csp: devOrigin ? devContentSecurityPolicy(devOrigin) : CONTENT_SECURITY_POLICY });
  Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate({ platform: process.platform, dev: !app.isPackaged })));

  const settings = new SettingsStore(path.join(app.getPath('userData'), 'settings.json'));
  const { monitor, sockets, elevation, close: closeMonitor } = createMonitor(settings, {
    isPackaged: app.isPackaged,
    resourcesPath: process.resourcesPath,
    appPath: app.getAppPath(),
    execPath: process.execPath,
  });
  const service = new PortholeService({
    monitor,
    settings,
    sockets,
    elevation,
    traffic: createTrafficSampler(),
    confirmKill,
    // The service has already refused anything but http(s) to loopback; checked again at the edge.
    openExternal: async (url) => {
      if (isLoopbackUrl(url)) await shell.openExternal(url);
    },
    copyText: async (text) => clipboard.writeText(text),
    showMainWindow: (port) => showMainWindow(port),
  });
  const ipc = new IpcTransport({ ipcMain, service, isTrustedSender: createSenderCheck(trustedOrigins), log });
  running = { service, settings, ipc, mainWindow: undefined, tray: undefined, closeMonitor };

  const hidden = launchedHidden(argv, process.platform === 'darwin' ? app.getLoginItemSettings() : undefined);
  const mainWindow = createMainWindow({
    url: pageUrl('index', devOrigin),
    preloadPath: where.preload,
    devTools: !app.isPackaged,
    iconPath: windowIcon(where.assets, process.platform),
    stateFile: path.join(app.getPath('userData'), 'window-state.json'),
    showWhenReady: !hidden,
    isQuitting: () => quitting,
    onVisibilityChange: (visible) => attached.setVisible(visible),
  });
  const attached = attachToIpc(ipc, mainWindow, false);
  running.mainWindow = mainWindow;

  running.tray = createTray(service, settings, where.assets, (popup) => {
    const handle = attachToIpc(ipc, popup, false);
    popup.on('show', () => handle.setVisible(true));
    popup.on('hide', () => handle.setVisible(false));
  }, { url: pageUrl('tray', devOrigin), preloadPath: where.preload, devTools: !app.isPackaged });

  bindStartAtLogin(settings, { platform: process.platform, command: launchCommand(), setLoginItemSettings: (s) => app.setLoginItemSettings(s) }, (error) =>
    log.error('start at login: could not update the login item', error),
  );
  checkForUpdatesInBackground(app, settings.get(), (message) => log.info(message));
  exposeE2eProbe({ trayCreated: () => running?.tray?.isCreated === true, trayTooltip: () => running?.tray?.tooltip ?? null });
}

/** Our windows are the only senders IPC accepts; a reload starts a fresh session (a new page). */
function attachToIpc(ipc: IpcTransport, win: BrowserWindow, visible: boolean): Attached {
  const handle = ipc.attach(win.webContents, { visible });
  win.webContents.on('did-start-navigation', (details) => {
    if (details.isMainFrame && !details.isSameDocument) handle.restart();
  });
  win.webContents.once('destroyed', () => handle.detach());
  return handle;
}

function createTray(
  service: PortholeService,
  settings: SettingsStore,
  assetsDir: string,
  onPopup: (popup: BrowserWindow) => void,
  popupPage: { url: string; preloadPath: string; devTools: boolean },
): TrayService<Electron.NativeImage, Electron.Menu> {
  const actions: TrayActions = {
    showMainWindow: (port) => showMainWindow(port),
    killPort: (port) =>
      void killFromTray(service, port).catch((error: unknown) => {
        log.error('tray: kill failed', error);
        dialog.showErrorBox(`Could not stop what holds :${port}`, error instanceof Error ? error.message : String(error));
      }),
    openInBrowser: (url) => {
      if (isLoopbackUrl(url)) void shell.openExternal(url);
    },
    setPaused: (paused) => service.setUserPaused(paused),
    setStartAtLogin: (enabled) => settings.update({ startAtLogin: enabled }),
    quit: () => app.quit(),
  };
  const tray = new TrayService({
    Tray,
    Menu,
    nativeImage,
    createPopup: () => createTrayPopup({ ...popupPage, onCreated: onPopup }),
    workAreaNear: (bounds) => screen.getDisplayMatching(bounds).workArea,
    assetsDir,
    platform: process.platform,
    actions,
  });
  // The tray is one more client of the service, never "visible": it alone keeps no polling alive.
  const state = new SnapshotState();
  const session = service.openSession(
    (event) => {
      if (state.apply(event)) tray.update(trayView(state));
    },
    { visible: false },
  );
  tray.create(trayView(state));
  void session.handle('ready', []);
  return tray;
}

async function killFromTray(service: PortholeService, port: number): Promise<void> {
  const { view } = await service.planKill({ port }, false);
  if (view.candidates.length === 0) {
    await dialog.showMessageBox({ type: 'info', message: `Nothing to stop on :${port}`, detail: [view.summary, ...view.refusals].join('\n') });
    return;
  }
  // service.kill asks confirmKill (the native dialog) before any signal.
  const result = await service.kill({
    target: { port },
    tree: false,
    force: false,
    confirmed: view.candidates.map((c) => ({ pid: c.pid, startTime: c.startTime })),
  });
  if (!result.ok && !result.declined) {
    await dialog.showMessageBox({ type: 'error', message: result.summary, detail: result.advice ?? '' });
  }
}

async function confirmKill(plan: KillPlanView): Promise<boolean> {
  const parent = BrowserWindow.getFocusedWindow();
  const options = killConfirmation(plan);
  const { response } = parent ? await dialog.showMessageBox(parent, options) : await dialog.showMessageBox(options);
  return response === CONFIRM_BUTTON;
}

export function showMainWindow(port?: number): void {
  const win = running?.mainWindow;
  if (!win || win.isDestroyed()) return;
  // The contract has no "reveal" event: the filter box's `port:N` token (renderer/filter.ts) narrows
  // the table to that port, and the page follows the settings event.
  if (port !== undefined) running?.settings.update({ filter: `port:${port}` });
  revealWindow(win);
}

/** The command the login item runs: the executable, plus the app folder when not packaged. */
function launchCommand(): string[] {
  if (process.env.APPIMAGE) return [process.env.APPIMAGE];
  return app.isPackaged ? [process.execPath] : [process.execPath, app.getAppPath()];
}

let shuttingDown: Promise<void> | undefined;

/** Idempotent: every caller gets the same promise, settled once the monitor has closed. */
export function shutdown(): Promise<void> {
  if (shuttingDown) return shuttingDown;
  if (!running) return Promise.resolve();
  const closing = running;
  running = undefined;
  closing.tray?.destroy();
  closing.ipc.dispose();
  closing.service.dispose();
  shuttingDown = closing.closeMonitor().catch((error: unknown) => log.warn('monitor did not close cleanly', error));
  return shuttingDown;
}

function fatal(error: unknown): void {
  log.error('porthole failed to start', error);
  dialog.showErrorBox('Porthole could not start', error instanceof Error ? error.message : String(error));
  app.exit(1);
}

main();
