// "Open in browser": in browser mode the page is already in a browser and opens the tab itself
// (the server has no business launching programs); in Electron, main opens it after its own
// loopback check.
import type { PortholeApi } from '../main/core/contract.js';

export async function openLocalUrl(api: PortholeApi, url: string, win: Pick<Window, 'open'> = window): Promise<void> {
  if (api.transport === 'websocket') {
    win.open(url, '_blank', 'noopener,noreferrer');
    return;
  }
  await api.call('openExternal', url);
}
