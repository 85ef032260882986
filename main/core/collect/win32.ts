// Windows: `netstat -ano` lists every TCP and UDP socket with its owning pid, for all users,
// without elevation. Elevation only matters later, for other users' paths and command lines, so
// `elevated` reports whether the process token is high-integrity (checked once, cheaply).
import { CollectorError, type CollectOptions, type Collector, type OwnedSocket, type RawCollection } from './types.js';
import { runCommand, type Run } from './run.js';
import { parseNetstatWindows } from './parse/netstat-win.js';
import { windowsTool } from '../windows-tools.js';


// Mandatory-label SIDs are the same in every language: high (elevated admin) and system.
const ELEVATED_SIDS = ['S-1-16-12288', 'S-1-16-16384'];

export class Win32Collector implements Collector {
  readonly name = 'win32-netstat' as const;
  private elevatedCheck: Promise<boolean> | null = null;

  constructor(private readonly run: Run = runCommand) {}

  async collect(options: CollectOptions = {}): Promise<RawCollection> {
    const { port, signal } = options;
    let stdout: string;
    try {
      ({ stdout } = await this.run(windowsTool('netstat'), ['-ano'], { signal, timeoutMs: 20_000 }));
    } catch (error) {
      throw new CollectorError(`Could not list sockets: ${errorText(error)}`, 'win32-netstat', error);
    }
    const parsed = parseNetstatWindows(stdout);
    const warnings: string[] = [];
    if (parsed.skipped > 0) {
      warnings.push(`netstat: skipped ${parsed.skipped} unreadable line(s), e.g. ${JSON.stringify(parsed.samples[0])}`);
    }
    const sockets: OwnedSocket[] = [];
    for (const s of parsed.sockets) {
      if (port !== undefined && s.localPort !== port) continue;
      // No pid means netstat's pid 0: a kernel-only socket (TIME_WAIT), owned by nobody.
      sockets.push({ ...s, owner: s.pids.length > 0 ? 'known' : 'none' });
    }
    return {
      collector: this.name,
      sockets,
      processHints: parsed.processes,
      skippedLines: parsed.skipped,
      warnings,
      elevated: await this.isElevated(),
    };
  }

  /** Checked once per collector: a token's integrity level does not change while we run. */
  private isElevated(): Promise<boolean> {
    this.elevatedCheck ??= this.run(windowsTool('whoami'), ['/groups', '/fo', 'csv', '/nh'], { timeoutMs: 5_000 })
      .then(({ stdout }) => ELEVATED_SIDS.some((sid) => stdout.includes(sid)))
      .catch(() => false);
    return this.elevatedCheck;
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
