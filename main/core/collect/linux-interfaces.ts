// Interface names by index, for sockets bound to a device (ss prints "addr%eth0"). Read from
// /sys/class/net, once, and again when an index is not known (an interface added since).
import { readdirSync, readFileSync } from 'node:fs';

export class InterfaceNames {
  private names = new Map<number, string>();
  private readAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly root = '/sys/class/net') {}

  /** The interface's name; "if7" for an index that has none (as iproute2 writes it). */
  readonly name = (index: number): string => {
    let name = this.names.get(index);
    if (name === undefined) {
      this.reload();
      name = this.names.get(index);
    }
    return name ?? `if${index}`;
  };

  private reload(): void {
    // Unknown indexes (one per socket) must not re-read the folder each: at most every few seconds.
    if (Date.now() - this.readAt < REREAD_MS) return;
    this.readAt = Date.now();
    const names = new Map<number, string>();
    try {
      for (const entry of readdirSync(this.root)) {
        try {
          const index = Number(readFileSync(`${this.root}/${entry}/ifindex`, 'utf8').trim());
          if (Number.isInteger(index)) names.set(index, entry);
        } catch {
          // gone meanwhile, or not an interface
        }
      }
    } catch {
      // no sysfs (a container without it): indexes are named "ifN"
    }
    this.names = names;
  }
}

const REREAD_MS = 5000;
