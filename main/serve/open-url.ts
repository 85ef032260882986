// Hand the page's address to the desktop's browser. Best effort: a headless box has no opener, and
// the address is printed anyway. Never through a shell: the URL is an argument, not a command line.
import { spawn } from 'node:child_process';

export function openInBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? // `cmd /c start` would parse the URL as a command line; url.dll just opens it.
          ['rundll32.exe', ['url.dll,FileProtocolHandler', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No opener: the printed address is enough.
  }
}
