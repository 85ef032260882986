// The renderer's one seam to the outside: Electron's preload bridge when it is there, else the
// WebSocket client to browser mode. Nothing else in the renderer knows which one it has.
import type { PortholeApi } from '../main/core/contract.js';
import { createWsApi, pageAdmission, wsUrl } from './ws-client.js';

let cached: PortholeApi | null = null;

export function resolveApi(win: Window = window): PortholeApi {
  if (win.porthole) return win.porthole;
  return createWsApi({ url: wsUrl(win.location), checkAdmission: () => pageAdmission(win.location.href) });
}

export function getApi(): PortholeApi {
  return (cached ??= resolveApi());
}
