// Linux: `ss -tunaeH` for the sockets (with inodes), /proc/*/fd for their owners.
// When `ss` is missing (minimal containers), /proc/net/{tcp,tcp6,udp,udp6} give the same sockets.
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { InodeOwnerIndex } from './linux-inodes.js';
import { parseProcNet } from './parse/procnet.js';
import { parseSs } from './parse/ss.js';
import { emptyOutcome, type ParseOutcome, type ParsedSocket } from './parse/types.js';
import { CommandError, runCommand } from './run.js';
import { CollectorError, type CollectOptions, type Collector, type OwnedSocket, type RawCollection } from './types.js';
import { userName } from '../users.js';
import type { CollectorName, Family, Protocol } from '../model.js';

const PROC_NET: Array<[file: string, protocol: Protocol, family: Family]> = [
  ['tcp', 'tcp', 4],
  ['tcp6', 'tcp', 6],
  ['udp', 'udp', 4],
  ['udp6', 'udp', 6],
];

export class LinuxCollector implements Collector {
  name: CollectorName = 'linux-ss';
  private readonly index: InodeOwnerIndex;
  /** Listener owners by port from the last poll: an accepted connection belongs to its listener's owner. */
  private listenerOwners = new Map<number, number[]>();
  private ssMissing = false;

  constructor(private readonly procRoot = '/proc') {
    this.index = new InodeOwnerIndex(procRoot);
  }

  async collect(options: CollectOptions = {}): Promise<RawCollection> {
    const warnings: string[] = [];
    const parsed = await this.readSockets(options, warnings);
    if (parsed.skipped > 0) {
      warnings.push(`Skipped ${parsed.skipped} unreadable line(s) of socket output, e.g. "${parsed.samples[0] ?? ''}"`);
    }

    const wanted: number[] = [];
    const portOfInode = new Map<number, number>();
    for (const s of parsed.sockets) {
      if (s.inode === null) continue;
      wanted.push(s.inode);
      portOfInode.set(s.inode, s.localPort);
    }
    const { owners, unreadablePids } = this.index.lookup(wanted, (inode) => {
      const port = portOfInode.get(inode);
      return port === undefined ? undefined : this.listenerOwners.get(port);
    });

    const elevated = process.getuid?.() === 0;
    const sockets = parsed.sockets.map((s) => resolveOwner(s, owners.get(s.inode ?? -1), elevated));
    if (!options.port) this.rememberListeners(sockets);
    if (!elevated && unreadablePids > 0) {
      warnings.push(`${unreadablePids} processes belong to other users; their sockets' owners are hidden. Run "sudo porthole" to see them.`);
    }
    return { collector: this.name, sockets, processHints: new Map(), skippedLines: parsed.skipped, warnings, elevated };
  }

  private async readSockets(options: CollectOptions, warnings: string[]): Promise<ParseOutcome> {
    if (!this.ssMissing) {
      try {
        const filter = options.port ? ['sport', '=', `:${options.port}`] : [];
        const { stdout } = await runCommand('ss', ['-tunaeH', ...filter], { signal: options.signal });
        this.name = 'linux-ss';
        return parseSs(stdout);
      } catch (error) {
        if (!(error instanceof CommandError) || error.code !== 'ENOENT') {
          throw new CollectorError(`Could not list sockets: ${(error as Error).message}`, 'linux-ss', error);
        }
        this.ssMissing = true;
        warnings.push('ss (iproute2) is not installed; reading /proc/net instead, which cannot tell dual-stack listeners apart.');
      }
    }
    this.name = 'linux-procfs';
    const out = emptyOutcome();
    const littleEndian = os.endianness() === 'LE';
    for (const [file, protocol, family] of PROC_NET) {
      let text: string;
      try {
        text = await readFile(`${this.procRoot}/net/${file}`, 'utf8');
      } catch (error) {
        // No IPv6 in this kernel means no tcp6/udp6: not an error.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT' && family === 6) continue;
        throw new CollectorError(`Could not read ${this.procRoot}/net/${file}: ${(error as Error).message}`, 'linux-procfs', error);
      }
      parseProcNet(text, protocol, family, littleEndian, out);
    }
    if (options.port) out.sockets = out.sockets.filter((s) => s.localPort === options.port);
    return out;
  }

  private rememberListeners(sockets: OwnedSocket[]): void {
    const byPort = new Map<number, number[]>();
    for (const s of sockets) if (s.state === 'LISTEN' && s.pids.length > 0) byPort.set(s.localPort, s.pids);
    this.listenerOwners = byPort;
  }
}

export function resolveOwner(socket: ParsedSocket, pids: number[] | undefined, elevated: boolean): OwnedSocket {
  if (pids && pids.length > 0) return { ...socket, pids, owner: 'known' };
  // Inode 0: no file descriptor refers to it (TIME_WAIT, an orphaned FIN_WAIT): no process owns it.
  if (socket.inode === null) return { ...socket, pids: [], owner: 'none' };
  const myUid = process.getuid?.();
  let hiddenReason: string;
  if (!elevated && socket.uid !== null && socket.uid !== myUid) {
    hiddenReason = `Owned by user ${userName(socket.uid)}; run "sudo porthole" to see which process holds it.`;
  } else if (elevated) {
    hiddenReason = 'Held by a process outside this PID namespace (another container, or the host); run Porthole there to see it.';
  } else {
    hiddenReason = 'The owning process could not be read: it may have just exited, or run in another PID namespace.';
  }
  return { ...socket, pids: [], owner: 'hidden', hiddenReason };
}
