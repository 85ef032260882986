// What a person can do by hand when the in-app elevation is declined or impossible: the exact
// command, so the UI can show it with a copy button.

export interface AdviceContext {
  /** Installed from the deb/rpm (or linked onto PATH), so `porthole` itself is a command. */
  onPath?: boolean;
}

export function elevationAdvice(platform: NodeJS.Platform, context: AdviceContext = {}): string {
  switch (platform) {
    case 'linux':
      return context.onPath
        ? 'Run `sudo porthole` in a terminal to see every owner.'
        : 'Run `sudo npx porthole list` in a terminal (or `sudo porthole` if you installed the deb or rpm) to see every owner.';
    case 'darwin':
      return 'Run `sudo porthole` in Terminal to see every owner.';
    case 'win32':
      return 'Open an Administrator terminal (right-click Terminal, "Run as administrator") and run porthole.';
    default:
      return 'Run porthole as root (for example `sudo porthole`) to see every owner.';
  }
}
