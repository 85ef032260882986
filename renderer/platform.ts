// Which OS the engine runs on, as the page can tell. Electron's window runs beside the engine, and
// browser mode serves on loopback only, so the browser's own OS is the engine's.

/** Windows stops programs differently (Ctrl+C and taskkill, not SIGTERM and SIGKILL). */
export function onWindows(userAgent: string = globalThis.navigator?.userAgent ?? ''): boolean {
  return /\bWindows\b/.test(userAgent);
}
