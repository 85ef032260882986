// Hand the page to the desktop's browser. Best effort: a headless box has no opener, and the
// address is printed anyway. The opener gets the path of a private redirect file (redirect-file.ts),
// never the address: every local user can read a command line, and the address carries the token.
// Never through a shell: the path is an argument, not a command line.
import { spawn } from 'node:child_process';
import { writeRedirectFile, type RedirectFile } from './redirect-file.js';

/** Time for even a cold browser to start and read the file; past it, nothing secret lingers on disk. */
export const REDIRECT_FILE_LIFETIME_MS = 60_000;

export interface OpenedPage {
  /** Delete the redirect file now (`porthole serve` is stopping); safe to call more than once. */
  cleanup(): void;
}

export function openInBrowser(url: string, options: { lifetimeMs?: number } = {}): OpenedPage {
  let redirect: RedirectFile;
  try {
    redirect = writeRedirectFile(url);
  } catch {
    return { cleanup: () => undefined }; // no temp folder: the printed address is enough
  }
  const cleanup = () => {
    clearTimeout(timer);
    redirect.remove();
  };
  const timer = setTimeout(cleanup, options.lifetimeMs ?? REDIRECT_FILE_LIFETIME_MS);
  // The timer must not keep a stopping `porthole serve` alive; it cleans up on the way out anyway.
  timer.unref();
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [redirect.file]]
      : process.platform === 'win32'
        ? // `cmd /c start` would parse the path as a command line; url.dll just opens it.
          ['rundll32.exe', ['url.dll,FileProtocolHandler', redirect.file]]
        : ['xdg-open', [redirect.file]];
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    // No opener installed: nobody will read the file.
    child.on('error', cleanup);
    child.unref();
  } catch {
    cleanup();
  }
  return { cleanup };
}
