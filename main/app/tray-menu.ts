// The tray's native menu, as a template built from a TrayView: the fallback where a tray click
// can't open the popup (Linux), and the right-click menu elsewhere. Pure.
import type { MenuItemConstructorOptions } from 'electron';
import type { PortHolder, TrayView } from './tray-model.js';

export interface TrayActions {
  showMainWindow(port?: number): void;
  killPort(port: number): void;
  openInBrowser(url: string): void;
  setPaused(paused: boolean): void;
  setStartAtLogin(enabled: boolean): void;
  quit(): void;
}

export function trayMenuTemplate(view: TrayView, actions: TrayActions): MenuItemConstructorOptions[] {
  const items: MenuItemConstructorOptions[] = [];

  if (view.watched.length > 0) {
    items.push({ label: 'Watched ports', enabled: false });
    for (const w of view.watched) {
      if (w.holders.length === 0) {
        items.push({ label: `:${w.port} free`, enabled: false });
        continue;
      }
      items.push({ label: `:${w.port} taken by ${holdersLabel(w.holders)}`, submenu: portSubmenu(w.port, `http://localhost:${w.port}/`, actions) });
    }
    items.push({ type: 'separator' });
  }

  items.push({ label: 'Listening dev ports', enabled: false });
  if (!view.ready) items.push({ label: 'Looking…', enabled: false });
  else if (view.devPorts.length === 0) items.push({ label: 'None', enabled: false });
  for (const d of view.devPorts) {
    const who = d.holder ? holderLabel(d.holder) : 'unknown owner';
    items.push({ label: `:${d.port}  ${d.label ? `${d.label} · ` : ''}${who}`, submenu: portSubmenu(d.port, d.url, actions) });
  }
  items.push({ type: 'separator' });

  items.push(
    { label: 'Show Porthole', click: () => actions.showMainWindow() },
    { label: 'Pause', type: 'checkbox', checked: view.paused, click: (item) => actions.setPaused(item.checked) },
    { label: 'Start at login (in the tray)', type: 'checkbox', checked: view.startAtLogin, click: (item) => actions.setStartAtLogin(item.checked) },
    { type: 'separator' },
    { label: 'Quit Porthole', click: () => actions.quit() },
  );
  return items;
}

function portSubmenu(port: number, url: string, actions: TrayActions): MenuItemConstructorOptions[] {
  return [
    { label: `Kill what holds :${port}…`, click: () => actions.killPort(port) },
    { label: 'Open in browser', click: () => actions.openInBrowser(url) },
    { label: 'Show in Porthole', click: () => actions.showMainWindow(port) },
  ];
}

function holderLabel(h: PortHolder): string {
  return h.pid === 0 ? h.name : `${h.name} (${h.pid})`;
}

function holdersLabel(holders: PortHolder[]): string {
  const [first, ...rest] = holders;
  if (!first) return 'unknown';
  return rest.length === 0 ? holderLabel(first) : `${holderLabel(first)} +${rest.length}`;
}
