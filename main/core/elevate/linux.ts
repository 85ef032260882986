// Linux: pkexec (polkit) asks for an administrator's password in the desktop's own dialog.
// pkexec runs the program itself (no shell of ours in between) and keeps our stdin/stdout/stderr,
// but it resets the environment, so ELECTRON_RUN_AS_NODE is set by a tiny fixed `sh -c` script
// that receives every path as a positional parameter: nothing we pass is ever parsed as shell text.
import { elevationAdvice } from './advice.js';
import { ElevationError, type ElevatedCommand, type PlatformElevation, type WrapperExit } from './types.js';

/** Fixed text: "$0" is the node binary, "$@" the collector script and its arguments. */
export const LAUNCH_SCRIPT = 'ELECTRON_RUN_AS_NODE=1 exec "$0" "$@"';

export function elevatedCommand(cliPath: string, nodePath: string, args: readonly string[]): ElevatedCommand {
  for (const a of [cliPath, nodePath, ...args]) {
    if (a.includes('\0')) throw new ElevationError('An argument of the collector contains a NUL byte.', 'unsupported', elevationAdvice('linux'));
  }
  // Absolute paths only: pkexec's PATH is root's, not ours, and "-x" would read as an option.
  if (!nodePath.startsWith('/') || !cliPath.startsWith('/')) {
    throw new ElevationError(`Refusing to elevate a relative path (${nodePath}, ${cliPath}).`, 'untrusted-path', elevationAdvice('linux'));
  }
  return { command: 'pkexec', args: ['/bin/sh', '-c', LAUNCH_SCRIPT, nodePath, cliPath, ...args] };
}

export function explainExit(exit: WrapperExit): ElevationError | null {
  const advice = elevationAdvice('linux');
  // pkexec: 126 = the dialog was dismissed, 127 = not authorised or no agent to ask with.
  // sh also uses 126/127 (found but not executable / not found), so pkexec's own words decide.
  if (/Request dismissed/i.test(exit.stderr) || (exit.code === 126 && !/\bsh\b|exec|denied/i.test(exit.stderr))) {
    return new ElevationError('Elevation was declined.', 'declined', advice);
  }
  if (/Not authori[sz]ed|authentication agent/i.test(exit.stderr) || (exit.code === 127 && exit.stderr.trim() === '')) {
    return new ElevationError(
      'Elevation was declined: pkexec could not get authorisation (you may not be an administrator, or no polkit authentication agent is running).',
      'declined',
      advice,
    );
  }
  return null;
}

export function explainSpawnError(error: NodeJS.ErrnoException): ElevationError {
  if (error.code === 'ENOENT') {
    return new ElevationError('pkexec is not installed: run `sudo porthole` instead.', 'missing-tool', elevationAdvice('linux'));
  }
  return new ElevationError(`Could not start pkexec: ${error.message}`, 'exited', elevationAdvice('linux'));
}

export const linuxElevation: PlatformElevation = { elevatedCommand, explainExit, explainSpawnError };
