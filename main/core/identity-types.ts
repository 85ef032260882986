// Shared shapes for the per-OS identity readers (kept apart so the readers don't import the dispatcher).

/** Enough to tell one process from a later one that reused its pid. */
export interface ProcessIdentity {
  pid: number;
  /** Epoch ms. Computed the same way on every read within one Porthole process, so compare with ===. */
  startTime: number;
  /** null where the OS gives none. */
  ppid: number | null;
  /** Short name as the OS keeps it (Linux: the 15-character comm). Not for display when a full name exists. */
  name: string;
  /** Executable path where the identity read shows it cheaply (macOS, Windows); null when hidden. */
  exe?: string | null;
  /** Linux: a kernel thread, which no signal stops (see kill-critical.ts). */
  kernelThread?: boolean;
}

/** One row of the process table: just what a parent/child walk needs. */
export interface ProcessLink {
  pid: number;
  ppid: number;
  /** Lets a walk drop stale ppids (Windows never updates them when a parent dies). null if unknown. */
  startTime: number | null;
}

export interface IdentityBackend {
  /** null when the process does not exist, has exited (zombie), or cannot be read. Never throws for those. */
  read(pid: number): Promise<ProcessIdentity | null>;
  /** Every live process. May throw when the OS tool itself fails. */
  list(): Promise<ProcessLink[]>;
  /** One list() costs less than a read() per ancestor (Windows: each call starts PowerShell, ~1 s). */
  walksByList?: boolean;
}
