// macOS: the system's authorisation dialog, through AppleScript's `do shell script ... with
// administrator privileges`. Two parsers sit in the way, so two quotings nest: each argument is a
// single-quoted shell word, and the whole shell text is an AppleScript string literal.
// `do shell script` returns output only when the command ends, so the collector writes its JSON
// lines to a file (`--output`) that we tail; see index.ts.
import { elevationAdvice } from './advice.js';
import { appleScriptString, shQuote } from './quote.js';
import { ElevationError, type ElevatedCommand, type PlatformElevation, type WrapperExit } from './types.js';

export const PROMPT = 'Porthole wants to see which process owns every socket. Only its read-only collector runs with administrator rights.';

/** The shell text run as root; `exec` so no root shell lingers beside the collector. */
export function shellCommand(cliPath: string, nodePath: string, args: readonly string[]): string {
  return `ELECTRON_RUN_AS_NODE=1 exec ${[nodePath, cliPath, ...args].map(shQuote).join(' ')}`;
}

export function elevatedCommand(cliPath: string, nodePath: string, args: readonly string[]): ElevatedCommand {
  if (!nodePath.startsWith('/') || !cliPath.startsWith('/')) {
    throw new ElevationError(`Refusing to elevate a relative path (${nodePath}, ${cliPath}).`, 'untrusted-path', elevationAdvice('darwin'));
  }
  const script = `do shell script ${appleScriptString(shellCommand(cliPath, nodePath, args))} with prompt ${appleScriptString(PROMPT)} with administrator privileges`;
  return { command: '/usr/bin/osascript', args: ['-e', script] };
}

export function explainExit(exit: WrapperExit): ElevationError | null {
  // errAEEventCanceled (-128): "User canceled." in the dialog.
  if (/\(-128\)|User cancel+ed/i.test(exit.stderr)) {
    return new ElevationError('Elevation was declined.', 'declined', elevationAdvice('darwin'));
  }
  return null;
}

export function explainSpawnError(error: NodeJS.ErrnoException): ElevationError {
  const what = error.code === 'ENOENT' ? 'osascript is missing' : `could not start osascript: ${error.message}`;
  return new ElevationError(`Elevation is not available (${what}).`, 'missing-tool', elevationAdvice('darwin'));
}

export const darwinElevation: PlatformElevation = { elevatedCommand, explainExit, explainSpawnError };
