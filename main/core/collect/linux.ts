// Linux: `ss -tunaeH` for the sockets (with inodes), /proc/*/fd for their owners.
// When `ss` is missing (minimal containers), /proc/net/{tcp,tcp6,udp,udp6} give the same sockets.
import os from 'node:os';
import { fsPromises } from '../lazy-modules.js';
import { InodeOwnerIndex } from './linux-inodes.js';
import { parseProcNet } from './parse/procnet.js';
import { InetDiagCache, parseInetDiag } from './parse/inet-diag.js';
import { parseSs, SsLineCache } from './parse/ss.js';
import { InterfaceNames } from './linux-interfaces.js';
import { emptyOutcome, MAX_SAMPLES, type ParseOutcome, type ParsedSocket } from './parse/types.js';
import { CommandError, runCommand } from './run.js';
import type { Run, RunResult } from './run.js';
import { CollectorError, type CollectOptions, type Collector, type OwnedSocket, type RawCollection } from './types.js';
import { sameItems, samePids } from '../diff.js';
import type { CollectorName, Family, Protocol } from '../model.js';
import { describeProtected, resolveOwner, searchable, searchHints } from './linux-owners.js';
import type { OwnerLookup } from './inode-holders.js';

/** Failed dumps in a row before full polls stop asking for one. */
const DUMP_TRIES = 3;

/** Netlink messages are in the host's byte order. */
const LITTLE_ENDIAN = os.endianness() === 'LE';

const PROC_NET: Array<[file: string, protocol: Protocol, family: Family]> = [
  ['tcp', 'tcp', 4],
  ['tcp6', 'tcp', 6],
  ['udp', 'udp', 4],
  ['udp6', 'udp', 6],
];

type WithOwned = ParsedSocket & Record<symbol, { socket: OwnedSocket; poll: number } | undefined>;

/** More unplaced sockets than this in one poll: search for them all rather than build a long ss filter. */
const MAX_RECHECKED = 64;
const RECHECK_ABOVE_FDS = 5000;

export class LinuxCollector implements Collector {
  name: CollectorName = 'linux-ss';
  private readonly index: InodeOwnerIndex;
  /** Listener owners by port from the last poll: an accepted connection belongs to its listener's owner (see searchHints). */
  private listenerOwners = new Map<number, number[]>();
  private ssMissing = false;
  /** The last full poll's parsed lines, and what each parsed socket became with its owners. */
  private readonly ssLines = new SsLineCache();
  /** The same for the two halves of a full poll read from the kernel's dump (see readDump). */
  private readonly tcpDump = new InetDiagCache();
  private readonly udpLines = new SsLineCache();
  private readonly interfaces = new InterfaceNames();
  /**
   * Whether `ss -tan -D -` gives a dump this parser reads: full polls use it until it has failed
   * DUMP_TRIES times in a row (each failed poll is answered from the text instead).
   */
  private dumpWorks = true;
  private dumpFailures = 0;
  /** What the last full poll's reading says changed: nothing at all, or which inodes went. */
  private lastRead: { unchanged: boolean; dropped: number[] | undefined } = { unchanged: false, dropped: undefined };
  /** Full polls so far: what an ownedSlot entry is dated by. */
  private polls = 0;
  /**
   * Where a ParsedSocket keeps what it became last poll: a property of its own (this collector's
   * symbol) rather than a Map rebuilt every poll, which at 20,000 sockets cost more than the rest
   * of ownSockets.
   */
  private readonly ownedSlot = Symbol('OwnedSocket of the last poll');
  /** What the last full poll's ownSockets() was given and gave: a quiet poll gets the same answer back. */
  private lastOwned: { parsed: ParsedSocket[]; ownersVersion: number | undefined; shielded: string | undefined; elevated: boolean; sockets: OwnedSocket[] } | undefined;
  /** The last full poll's list of inodes: the inode index recognises an unchanged poll by it. */
  private lastWanted: number[] | undefined;
  /** ss before iproute2 4.13 has no -H (no header); the parser skips the header line itself. */
  private ssFlags = '-tunaeH';

  /** `run`: how `ss` is started; a long-running monitor passes a SpawnServer's. */
  constructor(
    private readonly procRoot = '/proc',
    private readonly run: Run = runCommand,
  ) {
    this.index = new InodeOwnerIndex(procRoot);
  }

  async collect(options: CollectOptions = {}): Promise<RawCollection> {
    const warnings: string[] = [];
    const reading = this.readSockets(options, warnings);
    // While ss works, the inode index catches up with /proc: that part does not need ss's answer.
    try {
      this.index.refresh();
    } catch (error) {
      await reading.catch(() => undefined);
      throw error;
    }
    const parsed = await reading;
    if (parsed.skipped > 0) {
      warnings.push(`Skipped ${parsed.skipped} unreadable line(s) of socket output, e.g. "${parsed.samples[0] ?? ''}"`);
    }

    const wanted = this.wantedInodes(parsed.sockets, !options.port && this.lastRead.unchanged);
    // A full poll's sockets that did not come back (closed, mostly): their fd numbers are the
    // ones new sockets get.
    const gone = options.port ? undefined : this.lastRead.dropped;
    const lookup = this.index.resolve(wanted, undefined, { rescan: false, gone, partial: options.port !== undefined });
    if (!options.port) this.lastWanted = wanted;
    const { unreadablePids, protectedPids } = lookup;
    let owners: OwnerLookup = lookup.owners;
    /** The holders' version these owners are, or undefined once a search's answer is laid over them. */
    let ownersVersion: number | undefined = lookup.version;
    const elevated = process.getuid?.() === 0;
    if (lookup.missing.length > 0) {
      const { search, skip } = searchable(lookup.missing, parsed.sockets, elevated ? null : (process.getuid?.() ?? null));
      this.index.giveUp(skip);
      if (search.length > 0) {
        // What is left costs a listing of every fd of every process (~1 us per fd), then maybe a
        // re-read of them all (~15 us per fd, 300 ms at 20,000 sockets), and under churn most
        // sockets it would look for were closed after ss listed them: no search can find those.
        // Ask ss (about their ports only) which still exist.
        const alive = await this.stillListed(search, parsed.sockets, options.signal);
        const sought = alive ? search.filter((inode) => alive.has(inode)) : search;
        owners = this.index.rescan(sought, searchHints(sought, parsed.sockets, this.listenerOwners, this.lastOwned?.sockets ?? []));
        ownersVersion = undefined;
      }
    }

    const shielded = protectedPids.length > 0 ? describeProtected(protectedPids, this.procRoot) : undefined;
    const sockets = this.ownSockets(parsed.sockets, owners, ownersVersion, elevated, shielded, !options.port && this.name === 'linux-ss');
    if (!options.port) this.rememberListeners(sockets);
    if (!elevated && unreadablePids > 0) {
      warnings.push(`${unreadablePids} processes belong to other users; their sockets' owners are hidden. Run "sudo porthole" to see them.`);
    }
    return { collector: this.name, sockets, processHints: new Map(), skippedLines: parsed.skipped, warnings, elevated };
  }

  /** The inodes to find owners for; when ss printed the same text as last poll, last poll's very list. */
  private wantedInodes(sockets: readonly ParsedSocket[], unchanged: boolean): number[] {
    if (unchanged && this.lastWanted) return this.lastWanted;
    const wanted: number[] = [];
    for (const s of sockets) if (s.inode !== null) wanted.push(s.inode);
    return wanted;
  }

  /**
   * resolveOwner for each socket. With `reuse`, a socket parsed from the same line as last poll
   * (the same object) with the same owners keeps last poll's OwnedSocket: unchanged sockets stay
   * identical objects, which the engine then reuses whole.
   */
  private ownSockets(
    parsed: ParsedSocket[],
    owners: OwnerLookup,
    ownersVersion: number | undefined,
    elevated: boolean,
    shielded: string | undefined,
    reuse: boolean,
  ): OwnedSocket[] {
    if (!reuse) return parsed.map((s) => resolveOwner(s, owners.get(s.inode ?? -1), elevated, shielded));
    // ss printed the same text and no fd moved (the index's holders are at the same version): the
    // same sockets as last poll, which stays "last poll" for the dating of the slots below.
    const last = this.lastOwned;
    const sameOwners = ownersVersion !== undefined && last?.ownersVersion === ownersVersion;
    if (this.lastRead.unchanged && last && sameOwners && last.shielded === shielded && last.elevated === elevated && sameItems(last.parsed, parsed)) {
      return last.sockets;
    }
    const poll = ++this.polls;
    const sockets: OwnedSocket[] = new Array(parsed.length);
    for (let i = 0; i < parsed.length; i++) {
      const s = parsed[i] as WithOwned;
      const pids = owners.get(s.inode ?? -1);
      const slot = s[this.ownedSlot];
      // Last poll's only (the line cache keeps nothing older; this poll's would be a repeat).
      const before = slot !== undefined && slot.poll === poll - 1 ? slot.socket : undefined;
      let socket: OwnedSocket;
      if (before !== undefined && pids !== undefined && pids.length > 0 && before.owner === 'known' && samePids(before.pids, pids)) {
        socket = before;
      } else {
        socket = resolveOwner(s, pids, elevated, shielded);
        if (before !== undefined && socket.owner !== 'known' && before.owner === socket.owner && before.hiddenReason === socket.hiddenReason) {
          socket = before;
        }
      }
      if (slot === undefined) s[this.ownedSlot] = { socket, poll };
      else {
        slot.socket = socket;
        slot.poll = poll;
      }
      sockets[i] = socket;
    }
    this.lastOwned = { parsed, ownersVersion, shielded, elevated, sockets };
    return sockets;
  }

  /** Which of these inodes ss still lists, asking about their ports only; undefined when it cannot tell. */
  private async stillListed(inodes: number[], sockets: ParsedSocket[], signal?: AbortSignal): Promise<Set<number> | undefined> {
    // Below a few thousand fds a search costs less than running ss again.
    if (this.name !== 'linux-ss' || inodes.length > MAX_RECHECKED || this.index.knownFds < RECHECK_ABOVE_FDS) return undefined;
    const asked = new Set(inodes);
    const terms = new Set<string>();
    for (const s of sockets) {
      if (s.inode === null || !asked.has(s.inode)) continue;
      terms.add(s.remotePort === null ? `sport = :${s.localPort}` : `sport = :${s.localPort} and dport = :${s.remotePort}`);
    }
    const filter: string[] = [];
    for (const term of terms) {
      if (filter.length > 0) filter.push('or');
      filter.push('(', ...term.split(' '), ')');
    }
    try {
      const { stdout } = await this.run('ss', [this.ssFlags, ...filter], { signal });
      const present = new Set<number>();
      for (const s of parseSs(stdout).sockets) if (s.inode !== null && asked.has(s.inode)) present.add(s.inode);
      return present;
    } catch {
      return undefined; // search for all of them, as if we had not asked
    }
  }

  private async readSockets(options: CollectOptions, warnings: string[]): Promise<ParseOutcome> {
    const full = !options.port;
    if (full) this.lastRead = { unchanged: false, dropped: undefined };
    if (!this.ssMissing) {
      try {
        if (full && this.dumpWorks) {
          const dumped = await this.readDump(options.signal);
          if (dumped) return dumped;
        }
        const filter = options.port ? ['sport', '=', `:${options.port}`] : [];
        const { stdout } = await this.run('ss', [this.ssFlags, ...filter], { signal: options.signal });
        this.name = 'linux-ss';
        // A filtered poll lists a few sockets: it neither uses nor replaces the full poll's cache.
        if (!full) return parseSs(stdout);
        const parsed = parseSs(stdout, this.ssLines);
        this.lastRead = { unchanged: this.ssLines.unchanged, dropped: this.ssLines.dropped };
        return parsed;
      } catch (error) {
        if (error instanceof CommandError && this.ssFlags === '-tunaeH' && refusesNoHeader(error)) {
          this.ssFlags = '-tunae';
          return this.readSockets(options, warnings);
        }
        if (!(error instanceof CommandError) || error.code !== 'ENOENT') {
          throw new CollectorError(`Could not list sockets: ${(error as Error).message}`, 'linux-ss', error);
        }
        this.ssMissing = true;
        warnings.push('ss (iproute2) is not installed; reading /proc/net instead, which cannot tell dual-stack listeners apart.');
      }
    }
    this.name = 'linux-procfs';
    const out = emptyOutcome();
    const { readFile } = fsPromises();
    for (const [file, protocol, family] of PROC_NET) {
      let text: string;
      try {
        text = await readFile(`${this.procRoot}/net/${file}`, 'utf8');
      } catch (error) {
        // No IPv6 in this kernel means no tcp6/udp6: not an error.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT' && family === 6) continue;
        throw new CollectorError(`Could not read ${this.procRoot}/net/${file}: ${(error as Error).message}`, 'linux-procfs', error);
      }
      parseProcNet(text, protocol, family, LITTLE_ENDIAN, out);
    }
    if (options.port) out.sockets = out.sockets.filter((s) => s.localPort === options.port);
    return out;
  }

  /**
   * A full poll's sockets as the kernel's dump gives them (parse/inet-diag.ts): TCP from
   * `ss -tan -D -`, UDP from `ss -uaeH`, for about half of what `ss -tunaeH` costs at 20,000
   * sockets. Undefined when this ss gives no readable dump: full polls then go back to the text.
   */
  private async readDump(signal?: AbortSignal): Promise<ParseOutcome | undefined> {
    const udpFlags = this.ssFlags.replace('tun', 'u');
    let tcp: RunResult;
    let udp: RunResult;
    try {
      [tcp, udp] = await Promise.all([this.run('ss', ['-tan', '-D', '-'], { signal, binary: true }), this.run('ss', [udpFlags], { signal })]);
    } catch (error) {
      // A missing ss, an old one refusing -H, a cancelled poll: readSockets deals with those as
      // for the text. Anything else means no dump from this ss.
      if (!(error instanceof CommandError) || error.code === 'ENOENT' || signal?.aborted || refusesNoHeader(error)) throw error;
      return this.dumpFailed();
    }
    // A runner that cannot give bytes (a stand-in), or not a dump this parser knows: the text.
    if (!tcp.bytes) return this.dumpFailed();
    const parsedTcp = parseInetDiag(tcp.bytes, this.interfaces.name, this.tcpDump, LITTLE_ENDIAN);
    if (parsedTcp.sockets.length === 0 && parsedTcp.skipped > 0) return this.dumpFailed();
    this.dumpFailures = 0;
    const parsedUdp = parseSs(udp.stdout, this.udpLines, 'udp');
    this.name = 'linux-ss';
    this.lastRead = {
      unchanged: this.tcpDump.unchanged && this.udpLines.unchanged,
      dropped: [...this.udpLines.dropped, ...this.tcpDump.dropped],
    };
    // UDP first, as ss -tuna lists them.
    return {
      sockets: parsedUdp.sockets.concat(parsedTcp.sockets),
      processes: new Map(),
      skipped: parsedUdp.skipped + parsedTcp.skipped,
      samples: [...parsedUdp.samples, ...parsedTcp.samples].slice(0, MAX_SAMPLES),
    };
  }

  private dumpFailed(): undefined {
    if (++this.dumpFailures >= DUMP_TRIES) this.dumpWorks = false;
    return undefined;
  }

  private rememberListeners(sockets: OwnedSocket[]): void {
    const byPort = new Map<number, number[]>();
    // Indexed: for-of here allocated an iterator result per socket (~1 MB a poll at 20,000).
    for (let i = 0; i < sockets.length; i++) {
      const s = sockets[i]!;
      if (s.state === 'LISTEN' && s.pids.length > 0) byPort.set(s.localPort, s.pids);
    }
    this.listenerOwners = byPort;
  }
}

/** ss before iproute2 4.13 has no -H: getopt says so. */
function refusesNoHeader(error: CommandError): boolean {
  return /invalid option|unrecognized option/i.test(error.stderr);
}
