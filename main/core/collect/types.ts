import type { CollectorName, OwnerVisibility } from '../model.js';
import type { ParsedProcess, ParsedSocket } from './parse/types.js';

export interface CollectOptions {
  /** Only sockets whose local port is this one. Lets `porthole 3000` skip most of the work. */
  port?: number;
  signal?: AbortSignal;
}

/** A parsed socket whose owners have been resolved as far as the OS allows. */
export interface OwnedSocket extends ParsedSocket {
  owner: OwnerVisibility;
  hiddenReason?: string;
}

/** What a collector hands to the engine. Keys, process details and services are added after. */
export interface RawCollection {
  collector: CollectorName;
  sockets: OwnedSocket[];
  /** Whatever the tool printed about owners; processes.ts fills in the rest. */
  processHints: Map<number, ParsedProcess>;
  skippedLines: number;
  warnings: string[];
  elevated: boolean;
}

export interface Collector {
  readonly name: CollectorName;
  collect(options?: CollectOptions): Promise<RawCollection>;
}

/** Thrown when a collector cannot run at all (tool missing, non-zero exit, unreadable output). */
export class CollectorError extends Error {
  constructor(
    message: string,
    readonly collector: CollectorName,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'CollectorError';
  }
}
