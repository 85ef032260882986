// The application menu: little more than the platform conventions (Quit, Edit for copy and paste
// in the filter box), plus reload and devtools while developing.
import type { MenuItemConstructorOptions } from 'electron';

export function appMenuTemplate(options: { platform: NodeJS.Platform; dev: boolean }): MenuItemConstructorOptions[] {
  const mac = options.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [];
  // role 'quit' goes through app.quit(), so 'before-quit' marks a real quit and windows close.
  if (mac) template.push({ role: 'appMenu' });
  else template.push({ label: '&File', submenu: [{ role: 'close', label: 'Close Window' }, { type: 'separator' }, { role: 'quit', accelerator: 'Ctrl+Q' }] });
  template.push({ role: 'editMenu' });
  if (options.dev) {
    template.push({ label: 'View', submenu: [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }] });
  }
  if (mac) template.push({ role: 'windowMenu' });
  return template;
}
