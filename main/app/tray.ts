// The tray icon (Signal Desktop's SystemTrayService, in spirit): Electron's constructors come in as
// parameters so tests run it with fakes. A click toggles the popup (renderer tray.html); where
// clicks are unreliable (Linux) or on right-click, a native menu says the same things.
import type { MenuItemConstructorOptions } from 'electron';
import path from 'node:path';
import { trayMenuTemplate, type TrayActions } from './tray-menu.js';
import { trayTooltip, type TrayView } from './tray-model.js';
import { popupPosition } from './tray-position.js';
import type { Bounds } from './window-state.js';

export interface TrayLike<M> {
  setToolTip(text: string): void;
  setContextMenu(menu: M | null): void;
  popUpContextMenu(menu?: M): void;
  getBounds(): Bounds;
  on(event: 'click', listener: () => void): unknown;
  on(event: 'right-click', listener: () => void): unknown;
  destroy(): void;
}

export interface PopupLike {
  isDestroyed(): boolean;
  isVisible(): boolean;
  show(): void;
  hide(): void;
  focus(): void;
  getSize(): number[];
  setPosition(x: number, y: number): void;
  on(event: 'blur', listener: () => void): unknown;
}

export interface TrayServiceDeps<I, M> {
  Tray: new (image: I) => TrayLike<M>;
  Menu: { buildFromTemplate(template: MenuItemConstructorOptions[]): M };
  nativeImage: { createFromPath(file: string): I };
  /** The popup window factory; without it the tray is menu-only. */
  createPopup?: () => PopupLike;
  /** The work area of the display the tray icon is on. */
  workAreaNear(bounds: Bounds): Bounds;
  assetsDir: string;
  platform: NodeJS.Platform;
  actions: TrayActions;
  /** Snapshots arrive every second; the menu is rebuilt at most this often. */
  debounceMs?: number;
}

/** Linux tray clicks don't reach apps reliably (StatusNotifier hosts differ): menu it is. */
export function prefersMenu(platform: NodeJS.Platform): boolean {
  return platform !== 'darwin' && platform !== 'win32';
}

/** macOS: a black template image (the OS tints it); Windows: .ico with 16/32; Linux: a png. */
export function trayIconFile(platform: NodeJS.Platform, assetsDir: string): string {
  const dir = path.join(assetsDir, 'tray');
  if (platform === 'darwin') return path.join(dir, 'trayTemplate.png');
  if (platform === 'win32') return path.join(dir, 'tray.ico');
  return path.join(dir, 'tray-32.png');
}

export class TrayService<I, M> {
  private tray: TrayLike<M> | undefined;
  private popup: PopupLike | undefined;
  private menu: M | undefined;
  private view: TrayView | undefined;
  private timer: NodeJS.Timeout | undefined;
  private popupHiddenAt = 0;
  private tooltipText: string | null = null;

  constructor(private readonly deps: TrayServiceDeps<I, M>) {}

  get isCreated(): boolean {
    return this.tray !== undefined;
  }

  get tooltip(): string | null {
    return this.tooltipText;
  }

  create(view: TrayView): void {
    if (this.tray) return;
    const { deps } = this;
    this.tray = new deps.Tray(deps.nativeImage.createFromPath(trayIconFile(deps.platform, deps.assetsDir)));
    this.view = view;
    this.render();
    if (prefersMenu(deps.platform) || !deps.createPopup) return;
    this.tray.on('click', () => this.togglePopup());
    this.tray.on('right-click', () => {
      if (this.menu) this.tray?.popUpContextMenu(this.menu);
    });
  }

  /** A new view: the tooltip and menu follow, debounced. */
  update(view: TrayView): void {
    this.view = view;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.render();
    }, this.deps.debounceMs ?? 500);
    this.timer.unref?.();
  }

  /** Rebuild at once (a checkbox the user just toggled must not lag). */
  flush(view?: TrayView): void {
    if (view) this.view = view;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.render();
  }

  togglePopup(): void {
    const tray = this.tray;
    if (!tray || !this.deps.createPopup) return;
    if (!this.popup || this.popup.isDestroyed()) {
      this.popup = this.deps.createPopup();
      this.popup.on('blur', () => {
        this.popupHiddenAt = Date.now();
        this.popup?.hide();
      });
    }
    const popup = this.popup;
    // A click on the icon first blurs (hides) the open popup: that click means "close", not "reopen".
    if (popup.isVisible() || Date.now() - this.popupHiddenAt < 250) {
      popup.hide();
      return;
    }
    const bounds = tray.getBounds();
    const [width = 360, height = 480] = popup.getSize();
    const { x, y } = popupPosition(bounds, { width, height }, this.deps.workAreaNear(bounds));
    popup.setPosition(x, y);
    popup.show();
    popup.focus();
  }

  destroy(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.tray?.destroy();
    this.tray = undefined;
  }

  private render(): void {
    const { tray, view } = this;
    if (!tray || !view) return;
    this.tooltipText = trayTooltip(view);
    tray.setToolTip(this.tooltipText);
    this.menu = this.deps.Menu.buildFromTemplate(trayMenuTemplate(view, this.deps.actions));
    if (prefersMenu(this.deps.platform) || !this.deps.createPopup) tray.setContextMenu(this.menu);
  }
}
