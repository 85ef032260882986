// The elevated collector's output, validated line by line. It mirrors the CLI's `--json` contract
// (main/cli/output/json.ts; core must not import the CLI) and is deliberately looser in one way
// and stricter in another:
// - looser: unknown fields are ignored, since the contract only ever adds fields, and an older app
//   may read a newer CLI; optional fields the contract may gain (inode, uid, v6Only) are used when present;
// - stricter: every string, array and number is bounded, because this text comes from a process
//   running as root/Administrator and is parsed by one that is not.
import { z } from 'zod';

const MAX_TEXT = 4096;
/** A command line can be long (Java classpaths); 128 KiB covers Linux's own limit per argument. */
const MAX_COMMAND = 128 * 1024;
const MAX_SOCKETS = 1_000_000;
const MAX_PIDS_PER_SOCKET = 65_536;

const port = z.number().int().min(0).max(65535);
const pid = z.number().int().min(0).max(2 ** 32);
const text = z.string().max(MAX_TEXT);

export const StreamSocket = z.object({
  protocol: z.enum(['tcp', 'udp']),
  family: z.union([z.literal(4), z.literal(6)]),
  localAddress: text,
  localPort: port,
  remoteAddress: text.nullable(),
  remotePort: port.nullable(),
  state: z.string().max(32).regex(/^[A-Z_0-9]+$/),
  pids: z.array(pid).max(MAX_PIDS_PER_SOCKET),
  ownerHidden: z.boolean(),
  hiddenReason: text.nullable(),
  service: text.nullable(),
  inode: z.number().int().min(0).nullable().optional(),
  uid: z.number().int().min(0).max(2 ** 32).nullable().optional(),
  v6Only: z.boolean().nullable().optional(),
});

export const StreamProcess = z.object({
  pid,
  name: text,
  command: z.string().max(MAX_COMMAND).nullable(),
  cwd: text.nullable(),
  user: text.nullable(),
  startTime: z.iso.datetime().nullable(),
  exe: text.nullable(),
  ppid: pid.nullable(),
  // Optional: a helper from before the field existed still streams.
  parentName: text.nullable().optional(),
});

const snapshotFields = {
  version: z.number().int().min(1),
  takenAt: z.iso.datetime(),
  collector: z.string().max(64),
  elevated: z.boolean(),
  warnings: z.array(text).max(1000),
  sockets: z.array(StreamSocket).max(MAX_SOCKETS),
  processes: z.array(StreamProcess).max(MAX_SOCKETS),
};

/** `porthole list --json`: one snapshot, no type field. */
export const ListLine = z.object(snapshotFields);

/** `porthole watch --json`: a snapshot first, then one change or error per line. */
export const WatchLine = z.discriminatedUnion('type', [
  z.object({ type: z.literal('snapshot'), ...snapshotFields }),
  z.object({
    type: z.enum(['added', 'removed', 'changed']),
    at: z.iso.datetime(),
    socket: StreamSocket,
    processes: z.array(StreamProcess).max(MAX_PIDS_PER_SOCKET),
  }),
  z.object({ type: z.literal('error'), at: z.iso.datetime(), message: text, retryInMs: z.number().min(0) }),
]);

export type StreamSocket = z.infer<typeof StreamSocket>;
export type StreamProcess = z.infer<typeof StreamProcess>;
export type WatchLine = z.infer<typeof WatchLine>;

/** One line of either stream, as a watch event (a bare list snapshot reads as type "snapshot"). */
export function parseStreamLine(line: string): WatchLine | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (value !== null && typeof value === 'object' && !('type' in value)) {
    const list = ListLine.safeParse(value);
    return list.success ? { type: 'snapshot', ...list.data } : null;
  }
  const parsed = WatchLine.safeParse(value);
  return parsed.success ? parsed.data : null;
}
