// The captured Linux fixtures (see test/core/fixtures/linux/README.md) and checks shared by the
// ss, /proc/net and ss -p parser tests.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { ParseOutcome, ParsedSocket } from '../../../main/core/collect/parse/types.js';

export const linuxFixture = (name: string): string => readFileSync(new URL(`../fixtures/linux/${name}`, import.meta.url), 'utf8');

/** Ports and pids of the captured sockets, by role. */
export const manifest = JSON.parse(linuxFixture('manifest.json')) as Record<string, number>;

export function findOne(out: ParseOutcome, match: Partial<ParsedSocket>): ParsedSocket {
  const hits = out.sockets.filter((s) => Object.entries(match).every(([k, v]) => s[k as keyof ParsedSocket] === v));
  expect(hits, JSON.stringify(match)).toHaveLength(1);
  return hits[0]!;
}

/** What every parsed socket must look like, whatever the input. Plain checks: this runs thousands of times. */
export function expectWellFormed(out: ParseOutcome, { pids = 'none' }: { pids?: 'none' | 'sorted' } = {}): void {
  const bad = out.sockets.find((s) => problem(s, pids) !== null);
  expect(bad ? `${problem(bad, pids)}: ${JSON.stringify(bad)}` : null).toBeNull();
  expect(out.samples.length).toBeLessThanOrEqual(Math.min(3, out.skipped));
}

const STATES = new Set(['LISTEN', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'CLOSING', 'BOUND', 'UNCONN', 'UNKNOWN']);

function problem(s: ParsedSocket, pids: 'none' | 'sorted'): string | null {
  if (s.protocol !== 'tcp' && s.protocol !== 'udp') return 'protocol';
  if (s.family !== 4 && s.family !== 6) return 'family';
  if (s.localAddress === '' || /[[\]*\s]/.test(s.localAddress)) return 'local address';
  if ((s.family === 6) !== s.localAddress.includes(':')) return 'family vs address';
  if (!Number.isInteger(s.localPort) || s.localPort < 0 || s.localPort > 65535) return 'local port';
  if (s.remoteAddress === null ? s.remotePort !== null : /[[\]*\s]/.test(s.remoteAddress) || s.remoteAddress === '') return 'remote address';
  if (s.remotePort !== null && (!Number.isInteger(s.remotePort) || s.remotePort < 0 || s.remotePort > 65535)) return 'remote port';
  if (!STATES.has(s.state)) return 'state';
  if (s.inode !== null && (!Number.isSafeInteger(s.inode) || s.inode <= 0)) return 'inode';
  if (s.uid !== null && (!Number.isSafeInteger(s.uid) || s.uid < 0)) return 'uid';
  if (s.family === 4 && s.v6Only !== null) return 'v6Only on IPv4';
  if (pids === 'none' && s.pids.length > 0) return 'pids';
  if (pids === 'sorted' && s.pids.some((p, i) => !Number.isSafeInteger(p) || p < 0 || (i > 0 && p <= s.pids[i - 1]!))) return 'pids';
  return null;
}

/** The fields ss and /proc/net both report, for comparing the two. */
export function commonView(s: ParsedSocket): string {
  const bare = (a: string | null) => (a === null ? null : a.replace(/%.*$/, ''));
  return JSON.stringify([s.protocol, s.family, bare(s.localAddress), s.localPort, bare(s.remoteAddress), s.remotePort, s.state, s.inode, s.uid]);
}
