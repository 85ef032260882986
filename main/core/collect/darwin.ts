// macOS: lsof's field output names every TCP and UDP socket with the pids holding it.
// lsof only sees the processes of the user it runs as, so without root other users' sockets are
// missing altogether (not even listed as hidden); the warning says so and how to fix it.
// Kernel-only sockets (TIME_WAIT) belong to no process and so never appear in lsof.
import { CollectorError, type CollectOptions, type Collector, type OwnedSocket, type RawCollection } from './types.js';
import { runCommand, type Run, type RunResult } from './run.js';
import { parseLsof } from './parse/lsof.js';


/** The field set parseLsof reads; see parse/lsof.ts for what each letter is. */
export const LSOF_FIELDS = 'pcuLftPnT';

export function lsofArgs(port?: number): string[] {
  const select = port === undefined ? ['-iTCP', '-iUDP'] : [`-iTCP:${port}`, `-iUDP:${port}`];
  // -n -P: numbers, not names (no DNS, no /etc/services). -w: no warnings about unreadable files.
  // +c 0: COMMAND as long as the kernel keeps it (16 bytes) rather than 9.
  return ['-nP', '-w', '+c', '0', ...select, `-F${LSOF_FIELDS}`];
}

export class DarwinCollector implements Collector {
  readonly name = 'darwin-lsof' as const;

  constructor(
    private readonly run: Run = runCommand,
    private readonly isRoot: () => boolean = () => process.getuid?.() === 0,
  ) {}

  async collect(options: CollectOptions = {}): Promise<RawCollection> {
    const { port, signal } = options;
    let result: RunResult;
    try {
      // lsof exits 1 when nothing matched, which is an empty answer, not a failure.
      result = await this.run('lsof', lsofArgs(port), { signal, okCodes: [0, 1], timeoutMs: 15_000 });
    } catch (error) {
      throw new CollectorError(`Could not list sockets: ${errorText(error)}`, 'darwin-lsof', error);
    }
    const parsed = parseLsof(result.stdout);
    const warnings: string[] = [];
    const elevated = this.isRoot();
    if (!elevated) {
      warnings.push(
        "Not running as root: lsof only shows your own processes' sockets, so other users' sockets may be missing. Run `sudo porthole` to see them all.",
      );
    }
    const stderr = result.stderr.trim();
    if (stderr !== '') warnings.push(`lsof: ${stderr.split('\n', 1)[0]}`);
    if (parsed.skipped > 0) {
      warnings.push(`lsof: skipped ${parsed.skipped} unreadable line(s), e.g. ${JSON.stringify(parsed.samples[0])}`);
    }
    const sockets: OwnedSocket[] = [];
    for (const s of parsed.sockets) {
      // -i :PORT also matches the remote end; the option means the local port.
      if (port !== undefined && s.localPort !== port) continue;
      sockets.push({ ...s, owner: 'known' });
    }
    return {
      collector: this.name,
      sockets,
      processHints: parsed.processes,
      skippedLines: parsed.skipped,
      warnings,
      elevated,
    };
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
