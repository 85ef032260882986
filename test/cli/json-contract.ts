// The documented --json contract (README.md, "JSON output"), as a strict schema: a field renamed,
// removed or retyped fails the CLI tests.
import { z } from 'zod';

export const JsonSocket = z.strictObject({
  protocol: z.enum(['tcp', 'udp']),
  family: z.union([z.literal(4), z.literal(6)]),
  localAddress: z.string().refine((a) => !a.includes('['), 'no brackets'),
  localPort: z.number().int().min(0).max(65535),
  remoteAddress: z.string().nullable(),
  remotePort: z.number().int().min(0).max(65535).nullable(),
  state: z.string().regex(/^[A-Z_0-9]+$/),
  pids: z.array(z.number().int().positive()),
  ownerHidden: z.boolean(),
  hiddenReason: z.string().nullable(),
  service: z.string().nullable(),
});

export const JsonProcess = z.strictObject({
  pid: z.number().int().positive(),
  name: z.string().min(1),
  command: z.string().nullable(),
  cwd: z.string().nullable(),
  user: z.string().nullable(),
  startTime: z.iso.datetime().nullable(),
  exe: z.string().nullable(),
  ppid: z.number().int().nullable(),
  parentName: z.string().nullable(),
});

export const JsonConflict = z.strictObject({
  port: z.number().int(),
  protocol: z.enum(['tcp', 'udp']),
  kind: z.string(),
  severity: z.enum(['info', 'warning']),
  pids: z.array(z.number().int()),
  reason: z.string().min(10),
});

export const JsonSnapshot = z.strictObject({
  version: z.literal(1),
  takenAt: z.iso.datetime(),
  collector: z.string(),
  elevated: z.boolean(),
  warnings: z.array(z.string()),
  sockets: z.array(JsonSocket),
  processes: z.array(JsonProcess),
  conflicts: z.array(JsonConflict),
});

export const JsonPortAnswer = JsonSnapshot.extend({ port: z.number().int(), held: z.boolean() });
