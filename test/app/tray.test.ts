// The tray with fake Tray/Menu/nativeImage/popup constructors: tooltip counts, the native menu for
// watched and listening ports, its actions, the popup toggle, and the state fed from the service.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { SnapshotState } from '../../main/app/snapshot-state.js';
import { TrayService, prefersMenu, trayIconFile, type PopupLike, type TrayLike } from '../../main/app/tray.js';
import { trayMenuTemplate, type TrayActions } from '../../main/app/tray-menu.js';
import { trayTooltip, trayView } from '../../main/app/tray-model.js';
import { popupPosition } from '../../main/app/tray-position.js';
import { DEFAULT_SETTINGS, type ServerEvent } from '../../main/core/contract.js';
import type { Conflict, ProcessInfo, Socket } from '../../main/core/model.js';

function listener(port: number, pid: number, extra: Partial<Socket> = {}): Socket {
  const s: Socket = {
    key: `tcp4|127.0.0.1|${port}|*|${pid}`,
    protocol: 'tcp',
    family: 4,
    localAddress: '127.0.0.1',
    localPort: port,
    remoteAddress: null,
    remotePort: null,
    state: 'LISTEN',
    inode: pid,
    uid: 1000,
    v6Only: null,
    pids: [pid],
    owner: 'known',
    service: null,
    ...extra,
  };
  return s;
}

function proc(pid: number, name: string): ProcessInfo {
  return { pid, name, exe: null, command: null, argv: null, cwd: null, user: null, uid: null, startTime: 1, ppid: 1 };
}

const conflict: Conflict = { id: 'c1', kind: 'watched-taken', protocol: 'tcp', port: 3000, pids: [100], socketKeys: [], reason: 'taken', severity: 'warning' };

function stateWith(events: ServerEvent[]): SnapshotState {
  const state = new SnapshotState();
  for (const e of events) state.apply(e);
  return state;
}

const snapshotEvent: ServerEvent = {
  type: 'snapshot',
  seq: 1,
  snapshot: {
    takenAt: 1,
    collector: 'linux-ss',
    sockets: [
      listener(3000, 100, { service: { name: 'Next.js', source: 'process' } }),
      listener(5432, 200),
      listener(22, 300),
      listener(8080, 0, { pids: [], owner: 'hidden', hiddenReason: 'root' }),
      { ...listener(40000, 100), state: 'ESTABLISHED', remoteAddress: '1.2.3.4', remotePort: 443, key: 'conn' },
    ],
    processes: [proc(100, 'node'), proc(200, 'postgres'), proc(300, 'sshd')],
    conflicts: [conflict, { ...conflict, id: 'c2', kind: 'shared-socket', severity: 'info' }],
    issues: { skippedLines: 0, warnings: [] },
    elevated: false,
  },
};
const settingsEvent: ServerEvent = { type: 'settings', settings: { ...DEFAULT_SETTINGS, watchedPorts: [3000, 5173] } };

function actions() {
  return {
    showMainWindow: vi.fn<TrayActions['showMainWindow']>(),
    killPort: vi.fn<TrayActions['killPort']>(),
    openInBrowser: vi.fn<TrayActions['openInBrowser']>(),
    setPaused: vi.fn<TrayActions['setPaused']>(),
    setStartAtLogin: vi.fn<TrayActions['setStartAtLogin']>(),
    quit: vi.fn<TrayActions['quit']>(),
  } satisfies TrayActions;
}

function labels(items: MenuItemConstructorOptions[]): string[] {
  return items.filter((i) => i.type !== 'separator').map((i) => i.label ?? '');
}

function click(item: MenuItemConstructorOptions | undefined, checked = false): void {
  (item?.click as unknown as (i: { checked: boolean }) => void)({ checked });
}

describe('trayView and the tooltip', () => {
  it('counts listening ports and warnings, not connections or intended groups', () => {
    const view = trayView(stateWith([settingsEvent, snapshotEvent]));
    expect(view.listening).toBe(4);
    expect(view.conflicts).toBe(1);
    expect(trayTooltip(view)).toBe('Porthole: 4 listening, 1 conflict');
  });

  it('says it is starting before the first snapshot, and follows deltas', () => {
    const state = stateWith([settingsEvent]);
    expect(trayTooltip(trayView(state))).toBe('Porthole: starting…');
    state.apply(snapshotEvent);
    const changed = state.apply({
      type: 'delta',
      seq: 2,
      delta: {
        takenAt: 2,
        collector: 'linux-ss',
        added: [listener(5173, 400)],
        changed: [],
        removed: [listener(5432, 200).key],
        processesUpserted: [proc(400, 'vite')],
        processesRemoved: [200],
        conflicts: [],
        issues: { skippedLines: 0, warnings: [] },
        elevated: false,
      },
    });
    expect(changed).toBe(true);
    expect(trayTooltip(trayView(state))).toBe('Porthole: 4 listening, 0 conflicts');
    state.apply({ type: 'status', status: { paused: true, intervalMs: 1000, idle: false } });
    expect(trayTooltip(trayView(state))).toBe('Porthole: 4 listening, 0 conflicts (paused)');
  });

  it('keeps only what the tray shows: connections coming and going wake it for nothing', () => {
    const state = stateWith([settingsEvent, snapshotEvent]);
    const before = trayView(state);
    const conn = (port: number, peer: number) => {
      const base = { ...listener(port, 100), state: 'ESTABLISHED' as const, remoteAddress: '127.0.0.1', remotePort: peer };
      return { ...base, key: `${base.key}>${peer}` };
    };
    const churn = (added: Socket[], removed: string[]) =>
      state.apply({
        type: 'delta',
        seq: 3,
        delta: { takenAt: 3, collector: 'linux-ss', added, changed: [], removed, processesUpserted: [], processesRemoved: [], issues: { skippedLines: 0, warnings: [] }, elevated: false },
      });
    expect(churn([conn(3000, 50_001), conn(3000, 50_002)], [])).toBe(false);
    expect(churn([], [conn(3000, 50_001).key])).toBe(false);
    expect(state.listeners.size).toBe(before.listening);
    expect(trayView(state)).toEqual(before);
    // A listener that stops listening under the same key leaves the tray.
    const first = [...state.listeners.values()][0]!;
    expect(state.apply({ type: 'delta', seq: 4, delta: { takenAt: 4, collector: 'linux-ss', added: [], changed: [{ ...first, state: 'CLOSE_WAIT' }], removed: [], processesUpserted: [], processesRemoved: [], issues: { skippedLines: 0, warnings: [] }, elevated: false } })).toBe(true);
    expect(trayView(state).listening).toBe(before.listening - 1);
  });

  it('lists watched ports free or taken, and dev ports known ones first', () => {
    const view = trayView(stateWith([settingsEvent, snapshotEvent]));
    expect(view.watched).toEqual([
      { port: 3000, holders: [{ pid: 100, name: 'node' }] },
      { port: 5173, holders: [] },
    ]);
    expect(view.devPorts.map((d) => d.port)).toEqual([3000, 5432, 8080]);
    expect(view.devPorts[0]).toEqual({ port: 3000, holder: { pid: 100, name: 'node' }, label: 'Next.js', url: 'http://localhost:3000/' });
    expect(view.devPorts[2]?.holder).toEqual({ pid: 0, name: 'hidden process' });
  });

  it('keeps to ten dev ports', () => {
    const sockets = Array.from({ length: 30 }, (_, i) => listener(3000 + i, 100));
    const state = stateWith([{ ...snapshotEvent, snapshot: { ...snapshotEvent.snapshot, sockets } } as ServerEvent]);
    expect(trayView(state).devPorts).toHaveLength(10);
  });
});

describe('trayMenuTemplate', () => {
  it('builds items for watched, taken and dev ports, then the app commands', () => {
    const a = actions();
    const menu = trayMenuTemplate(trayView(stateWith([settingsEvent, snapshotEvent])), a);
    expect(labels(menu)).toEqual([
      'Watched ports',
      ':3000 taken by node (100)',
      ':5173 free',
      'Listening dev ports',
      ':3000  Next.js · node (100)',
      ':5432  postgres (200)',
      ':8080  hidden process',
      'Show Porthole',
      'Pause',
      'Start at login (in the tray)',
      'Quit Porthole',
    ]);
    const taken = menu.find((i) => i.label === ':3000 taken by node (100)');
    const sub = taken?.submenu as MenuItemConstructorOptions[];
    expect(labels(sub)).toEqual(['Kill what holds :3000…', 'Open in browser', 'Show in Porthole']);
    click(sub[0]);
    expect(a.killPort).toHaveBeenCalledWith(3000);
    click(sub[1]);
    expect(a.openInBrowser).toHaveBeenCalledWith('http://localhost:3000/');
    click(sub[2]);
    expect(a.showMainWindow).toHaveBeenCalledWith(3000);
    expect(menu.find((i) => i.label === ':5173 free')?.enabled).toBe(false);
  });

  it('wires Pause, Start at login and Quit', () => {
    const a = actions();
    const menu = trayMenuTemplate(trayView(stateWith([settingsEvent, snapshotEvent])), a);
    click(menu.find((i) => i.label === 'Quit Porthole'));
    expect(a.quit).toHaveBeenCalledTimes(1);
    click(menu.find((i) => i.label === 'Pause'), true);
    expect(a.setPaused).toHaveBeenCalledWith(true);
    const login = menu.find((i) => i.label === 'Start at login (in the tray)');
    expect(login).toMatchObject({ type: 'checkbox', checked: false });
    click(login, true);
    expect(a.setStartAtLogin).toHaveBeenCalledWith(true);
    click(menu.find((i) => i.label === 'Show Porthole'));
    expect(a.showMainWindow).toHaveBeenCalledWith();
  });
});

class FakeTray implements TrayLike<FakeMenu> {
  static created: FakeTray[] = [];
  tooltip = '';
  contextMenu: FakeMenu | null = null;
  popped: FakeMenu[] = [];
  destroyed = false;
  readonly handlers = new Map<string, () => void>();
  bounds = { x: 1000, y: 0, width: 22, height: 22 };
  constructor(readonly image: { path: string }) {
    FakeTray.created.push(this);
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setContextMenu(menu: FakeMenu | null): void {
    this.contextMenu = menu;
  }
  popUpContextMenu(menu?: FakeMenu): void {
    if (menu) this.popped.push(menu);
  }
  getBounds() {
    return this.bounds;
  }
  on(event: 'click' | 'right-click', listener: () => void): this {
    this.handlers.set(event, listener);
    return this;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

interface FakeMenu {
  template: MenuItemConstructorOptions[];
}

class FakePopup implements PopupLike {
  visible = false;
  position: [number, number] | undefined;
  blur: (() => void) | undefined;
  isDestroyed = () => false;
  isVisible = () => this.visible;
  show = () => void (this.visible = true);
  hide = () => void (this.visible = false);
  focus = vi.fn();
  getSize = () => [360, 480];
  setPosition = (x: number, y: number) => void (this.position = [x, y]);
  on(_event: 'blur', listener: () => void) {
    this.blur = listener;
    return this;
  }
}

function service(platform: NodeJS.Platform, withPopup = true) {
  const a = actions();
  const popups: FakePopup[] = [];
  const tray = new TrayService<{ path: string }, FakeMenu>({
    Tray: FakeTray,
    Menu: { buildFromTemplate: (template) => ({ template }) },
    nativeImage: { createFromPath: (p) => ({ path: p }) },
    ...(withPopup ? { createPopup: () => popups[popups.push(new FakePopup()) - 1]! } : {}),
    workAreaNear: () => ({ x: 0, y: 25, width: 1440, height: 875 }),
    assetsDir: '/app/assets',
    platform,
    actions: a,
    debounceMs: 100,
  });
  return { tray, actions: a, popups };
}

describe('TrayService', () => {
  beforeEach(() => {
    FakeTray.created = [];
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('on Linux: the right icon, a tooltip with counts and a context menu', () => {
    const { tray, actions: a } = service('linux');
    tray.create(trayView(stateWith([settingsEvent, snapshotEvent])));
    const fake = FakeTray.created[0]!;
    expect(tray.isCreated).toBe(true);
    expect(fake.image.path).toBe(path.join('/app/assets', 'tray', 'tray-32.png'));
    expect(fake.tooltip).toBe('Porthole: 4 listening, 1 conflict');
    expect(tray.tooltip).toBe(fake.tooltip);
    expect(labels(fake.contextMenu!.template)).toContain(':3000 taken by node (100)');
    expect(fake.handlers.size).toBe(0);
    click(fake.contextMenu!.template.find((i) => i.label === 'Quit Porthole'));
    expect(a.quit).toHaveBeenCalled();
  });

  it('rebuilds the menu when the snapshot changes, debounced', () => {
    const { tray } = service('linux');
    const state = stateWith([settingsEvent]);
    tray.create(trayView(state));
    const fake = FakeTray.created[0]!;
    expect(fake.tooltip).toBe('Porthole: starting…');
    state.apply(snapshotEvent);
    tray.update(trayView(state));
    tray.update(trayView(state));
    expect(fake.tooltip).toBe('Porthole: starting…');
    vi.advanceTimersByTime(100);
    expect(fake.tooltip).toBe('Porthole: 4 listening, 1 conflict');
  });

  it('on macOS: a template image; click toggles the popup beside the icon; right-click shows the menu', () => {
    const { tray, popups } = service('darwin');
    tray.create(trayView(stateWith([settingsEvent, snapshotEvent])));
    const fake = FakeTray.created[0]!;
    expect(fake.image.path).toBe(path.join('/app/assets', 'tray', 'trayTemplate.png'));
    expect(fake.contextMenu).toBeNull();
    fake.handlers.get('click')?.();
    const popup = popups[0]!;
    expect(popup.visible).toBe(true);
    expect(popup.position).toEqual([831, 29]);
    fake.handlers.get('click')?.();
    expect(popup.visible).toBe(false);
    fake.handlers.get('right-click')?.();
    expect(labels(fake.popped[0]!.template)).toContain('Quit Porthole');
  });

  it('hides the popup on blur, and the click that caused the blur does not reopen it', () => {
    const { tray, popups } = service('win32');
    tray.create(trayView(stateWith([snapshotEvent])));
    const fake = FakeTray.created[0]!;
    expect(fake.image.path).toBe(path.join('/app/assets', 'tray', 'tray.ico'));
    fake.handlers.get('click')?.();
    const popup = popups[0]!;
    popup.blur?.();
    expect(popup.visible).toBe(false);
    fake.handlers.get('click')?.();
    expect(popup.visible).toBe(false);
    vi.advanceTimersByTime(300);
    fake.handlers.get('click')?.();
    expect(popup.visible).toBe(true);
    expect(popups).toHaveLength(1);
  });

  it('without a popup factory, it is menu-only everywhere', () => {
    const { tray } = service('darwin', false);
    tray.create(trayView(stateWith([snapshotEvent])));
    expect(FakeTray.created[0]!.contextMenu).not.toBeNull();
    tray.destroy();
    expect(FakeTray.created[0]!.destroyed).toBe(true);
    expect(tray.isCreated).toBe(false);
  });

  it('knows which platforms prefer a menu', () => {
    expect(prefersMenu('linux')).toBe(true);
    expect(prefersMenu('darwin')).toBe(false);
    expect(prefersMenu('win32')).toBe(false);
    expect(trayIconFile('freebsd', '/a')).toBe(path.join('/a', 'tray', 'tray-32.png'));
  });
});

describe('popupPosition', () => {
  const workArea = { x: 0, y: 25, width: 1440, height: 875 };
  it('opens below a menu bar icon and above a taskbar icon, inside the work area', () => {
    expect(popupPosition({ x: 1420, y: 0, width: 22, height: 22 }, { width: 360, height: 480 }, workArea)).toEqual({ x: 1076, y: 29 });
    const taskbar = { x: 0, y: 0, width: 1920, height: 1040 };
    expect(popupPosition({ x: 1700, y: 1045, width: 24, height: 30 }, { width: 360, height: 480 }, taskbar)).toEqual({ x: 1532, y: 556 });
  });

  it('opens beside a vertical taskbar, and top-right when the tray gives no bounds', () => {
    const area = { x: 48, y: 0, width: 1872, height: 1080 };
    expect(popupPosition({ x: 10, y: 900, width: 24, height: 24 }, { width: 360, height: 480 }, area)).toEqual({ x: 52, y: 596 });
    expect(popupPosition({ x: 0, y: 0, width: 0, height: 0 }, { width: 360, height: 480 }, workArea)).toEqual({ x: 1076, y: 29 });
  });
});
