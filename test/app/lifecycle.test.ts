// main/app/index.ts run in Node with `electron` faked at the edge: the whole start-up (settings,
// the worker monitor, service, IPC, window, tray) and the close-hides / quit-quits rules. What
// only the real Electron can show (pixels, the OS tray, the sandbox) is in test/electron.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IPC, type ServerEvent } from '../../main/core/contract.js';
import { FakeIpcMain, eventFrom, fakeFrame, tempDir } from './fakes.js';

const fake = vi.hoisted(() => {
  const { EventEmitter: Emitter } = require('node:events') as typeof import('node:events');
  const windows: FakeWindow[] = [];
  const trays: FakeTray[] = [];
  let nextId = 1;

  class FakeContents extends Emitter {
    id = nextId++;
    url = '';
    sent: unknown[][] = [];
    mainFrame = { url: '', processId: 3, frameToken: `frame-${this.id}`, parent: null };
    openHandler: (() => unknown) | undefined;
    isDestroyed = () => false;
    send = (...args: unknown[]) => void this.sent.push(args);
    getURL = () => this.url;
    setWindowOpenHandler = (h: () => unknown) => void (this.openHandler = h);
  }

  class FakeWindow extends Emitter {
    webContents = new FakeContents();
    visible = false;
    minimized = false;
    loaded: string | undefined;
    constructor(readonly options: Record<string, unknown>) {
      super();
      windows.push(this);
      app.emit('web-contents-created', {}, this.webContents);
    }
    static getFocusedWindow = () => null;
    loadURL = async (url: string) => {
      this.loaded = url;
      this.webContents.url = url;
      this.webContents.mainFrame.url = url;
    };
    show = () => {
      this.visible = true;
      this.emit('show');
    };
    hide = () => {
      this.visible = false;
      this.emit('hide');
    };
    focus = () => undefined;
    restore = () => void (this.minimized = false);
    center = () => undefined;
    maximize = () => undefined;
    isVisible = () => this.visible;
    isMinimized = () => this.minimized;
    isMaximized = () => false;
    isFullScreen = () => false;
    isDestroyed = () => false;
    getBounds = () => ({ x: 10, y: 40, width: 1100, height: 720 });
    getNormalBounds = () => ({ x: 10, y: 40, width: 1100, height: 720 });
    getSize = () => [360, 480];
    setPosition = () => undefined;
    setVisibleOnAllWorkspaces = () => undefined;
  }

  class FakeTray extends Emitter {
    tooltip = '';
    menu: unknown = null;
    constructor(readonly image: unknown) {
      super();
      trays.push(this);
    }
    setToolTip = (t: string) => void (this.tooltip = t);
    setContextMenu = (m: unknown) => void (this.menu = m);
    popUpContextMenu = () => undefined;
    getBounds = () => ({ x: 0, y: 0, width: 22, height: 22 });
    destroy = () => undefined;
  }

  const app = Object.assign(new Emitter(), {
    paths: {} as Record<string, string>,
    requestSingleInstanceLock: () => true,
    whenReady: () => Promise.resolve(),
    getPath: (name: string) => app.paths[name] ?? '/nonexistent',
    setPath: (name: string, value: string) => void (app.paths[name] = value),
    getAppPath: () => process.cwd(),
    isPackaged: false,
    quit: () => {
      app.emit('before-quit');
      // Like Electron: a listener may preventDefault() and quit again later.
      app.emit('will-quit', { preventDefault: () => undefined });
    },
    exit: () => undefined,
    getLoginItemSettings: () => ({ wasOpenedAtLogin: false }),
    setLoginItemSettings: () => undefined,
  });

  const workArea = { x: 0, y: 0, width: 1920, height: 1080 };
  return {
    windows,
    trays,
    app,
    electron: {
      app,
      BrowserWindow: FakeWindow,
      Tray: FakeTray,
      Menu: { buildFromTemplate: (template: unknown) => ({ template }), setApplicationMenu: () => undefined },
      nativeImage: { createFromPath: (p: string) => ({ path: p }) },
      protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
      session: {
        defaultSession: {
          setPermissionRequestHandler: vi.fn(),
          setPermissionCheckHandler: vi.fn(),
          webRequest: { onHeadersReceived: vi.fn() },
        },
      },
      screen: { getDisplayMatching: () => ({ workArea }), getPrimaryDisplay: () => ({ workArea }) },
      ipcMain: undefined as unknown,
      dialog: { showMessageBox: vi.fn(async () => ({ response: 0 })), showErrorBox: vi.fn() },
      shell: { openExternal: vi.fn(async () => undefined) },
      clipboard: { writeText: vi.fn() },
    },
  };
});

const ipcMain = new FakeIpcMain();
fake.electron.ipcMain = ipcMain;
vi.mock('electron', () => fake.electron);
vi.mock('electron-log/main', () => ({ default: { info: () => undefined, warn: () => undefined, error: () => undefined } }));

const userData = tempDir('porthole-lifecycle-');

beforeAll(async () => {
  process.env.PORTHOLE_E2E = '1';
  process.env.PORTHOLE_USER_DATA = userData;
  await import('../../main/app/index.js');
  await vi.waitFor(() => expect(fake.trays).toHaveLength(1));
});

afterAll(async () => {
  fake.app.quit();
  // Quit waits for the monitor (and any elevated collector) to close before the app really ends.
  await (await import('../../main/app/index.js')).shutdown();
  delete process.env.PORTHOLE_E2E;
  delete process.env.PORTHOLE_USER_DATA;
});

const mainWindow = () => fake.windows[0]!;

describe('start-up', () => {
  it('registers app:// as a privileged scheme and serves the renderer from it', () => {
    const [[schemes]] = fake.electron.protocol.registerSchemesAsPrivileged.mock.calls as unknown as [[Array<{ scheme: string; privileges: object }>]];
    expect(schemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);
    expect(fake.electron.protocol.handle).toHaveBeenCalledWith('app', expect.any(Function));
    expect(fake.electron.session.defaultSession.setPermissionRequestHandler).toHaveBeenCalled();
    expect(fake.electron.session.defaultSession.webRequest.onHeadersReceived).toHaveBeenCalled();
  });

  it('keeps its settings and window state in the userData folder (the test hook moved it)', async () => {
    expect(fake.app.paths.userData).toBe(userData);
    await ipcMain.invoke(IPC.invoke, eventFrom(mainWindow().webContents), 'setSettings', [{ filter: 'node' }]);
    expect(JSON.parse(readFileSync(path.join(userData, 'settings.json'), 'utf8'))).toMatchObject({ filter: 'node' });
  });

  it('creates one hidden, sandboxed main window on app://porthole/index.html', () => {
    expect(fake.windows).toHaveLength(1);
    const win = mainWindow();
    expect(win.options).toMatchObject({ show: false, webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false } });
    expect(String((win.options.webPreferences as { preload: string }).preload)).toMatch(/preload[\\/]index\.cjs$/);
    expect(win.loaded).toBe('app://porthole/index.html');
    expect(win.visible).toBe(false);
    win.emit('ready-to-show');
    expect(win.visible).toBe(true);
  });

  it('hardens every webContents: new windows are denied', () => {
    expect(mainWindow().webContents.openHandler?.()).toEqual({ action: 'deny' });
  });

  it("answers the main window's page, and nobody else", async () => {
    const contents = mainWindow().webContents;
    await expect(ipcMain.invoke(IPC.invoke, eventFrom(contents), 'getSettings', [])).resolves.toMatchObject({ intervalMs: 1000 });
    await expect(ipcMain.invoke(IPC.invoke, eventFrom(contents, fakeFrame('app://porthole/index.html', contents.mainFrame)), 'getSettings', [])).rejects.toThrow(/Refused/);
  });

  it('streams a snapshot from the worker monitor after ready', async () => {
    const contents = mainWindow().webContents;
    await ipcMain.invoke(IPC.invoke, eventFrom(contents), 'ready', []);
    await vi.waitFor(() => expect(contents.sent.some(([, e]) => (e as ServerEvent).type === 'snapshot')).toBe(true), { timeout: 15_000 });
  });

  it('puts a tray up with counts, and exposes it to the end-to-end probe', async () => {
    await vi.waitFor(() => expect(fake.trays[0]!.tooltip).toMatch(/^Porthole: \d+ listening, \d+ conflicts?$/), { timeout: 15_000 });
    const probe = (globalThis as { __portholeE2E?: { trayCreated: boolean; trayTooltip: string } }).__portholeE2E;
    expect(probe?.trayCreated).toBe(true);
    expect(probe?.trayTooltip).toBe(fake.trays[0]!.tooltip);
    // Linux: the native menu. macOS and Windows: a click opens the popup, and the menu is popped up
    // on right-click only, never set on the icon (tray.ts, prefersMenu).
    if (process.platform === 'darwin' || process.platform === 'win32') expect(fake.trays[0]!.menu).toBeNull();
    else expect(fake.trays[0]!.menu).not.toBeNull();
  });
});

describe('window lifecycle', () => {
  it('closing hides the window instead of quitting', () => {
    const win = mainWindow();
    win.show();
    const event = { preventDefault: vi.fn() };
    win.emit('close', event);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(win.visible).toBe(false);
    expect(JSON.parse(readFileSync(path.join(userData, 'window-state.json'), 'utf8'))).toEqual({ bounds: { x: 10, y: 40, width: 1100, height: 720 }, maximized: false });
  });

  it('a second launch brings the window back', () => {
    fake.app.emit('second-instance');
    expect(mainWindow().visible).toBe(true);
  });

  it('showMainWindow from a page reveals the window filtered to the port', async () => {
    mainWindow().hide();
    await ipcMain.invoke(IPC.invoke, eventFrom(mainWindow().webContents), 'showMainWindow', [{ port: 3000 }]);
    expect(mainWindow().visible).toBe(true);
    expect(JSON.parse(readFileSync(path.join(userData, 'settings.json'), 'utf8'))).toMatchObject({ filter: 'port:3000' });
  });

  it('after Quit starts, closing really closes', () => {
    fake.app.emit('before-quit');
    const event = { preventDefault: vi.fn() };
    mainWindow().emit('close', event);
    expect(event.preventDefault).not.toHaveBeenCalled();
  });
});

