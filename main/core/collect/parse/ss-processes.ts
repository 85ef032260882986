// Parser for `ss -tunapH`: the sockets with the owners ss found itself, in
// `users:(("name",pid=1234,fd=5),("name",pid=1235,fd=5))`. Porthole does not collect this way
// (resolving owners through a cached inode index is faster); tests and the benchmark use it as an
// independent witness to check the engine's owners against.
//
// The name is the process's `comm`, printed between quotes without any escaping, so it may itself
// contain `"`, `,`, `pid=` or `)`. An entry therefore ends only where `",pid=N,fd=M)` is followed by
// the next entry (`,(`) or by the end of the list (`)`).
import { parseSsLine } from './ss.js';
import { emptyOutcome, skipLine, type ParseOutcome } from './types.js';

export interface SsProcessEntry {
  name: string;
  pid: number;
  fd: number;
}

const USERS = ' users:((';
const ENTRY_END = /",pid=(\d+),fd=(\d+)\)/g;

/**
 * Each socket's `pids` are the holders ss printed, sorted and unique (empty when ss printed no
 * `users:` field: a kernel-only socket, or a holder ss could not read). `processes` has each
 * pid's name as ss printed it.
 */
export function parseSsProcesses(text: string): ParseOutcome {
  const out = emptyOutcome();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('Netid')) continue;
    const at = line.indexOf(USERS);
    const socket = parseSsLine(at < 0 ? line : line.slice(0, at));
    const users = at < 0 ? [] : parseUsers(line.slice(at + 1));
    if (!socket || !users) {
      skipLine(out, line);
      continue;
    }
    socket.pids = [...new Set(users.map((u) => u.pid))].sort((a, b) => a - b);
    for (const u of users) if (!out.processes.has(u.pid)) out.processes.set(u.pid, { pid: u.pid, name: u.name });
    out.sockets.push(socket);
  }
  return out;
}

/** `users:(("a",pid=1,fd=2),("b",pid=3,fd=4))` -> entries; undefined when malformed. */
export function parseUsers(field: string): SsProcessEntry[] | undefined {
  const text = field.trimEnd();
  if (!text.startsWith('users:((') || !text.endsWith('))')) return undefined;
  const entries: SsProcessEntry[] = [];
  // Position of the current entry's opening `("`.
  let start = 'users:('.length;
  while (true) {
    if (!text.startsWith('("', start)) return undefined;
    const nameStart = start + 2;
    ENTRY_END.lastIndex = nameStart;
    let match: RegExpExecArray | null;
    let next = -1;
    let entry: SsProcessEntry | undefined;
    while ((match = ENTRY_END.exec(text)) !== null) {
      const after = match.index + match[0].length;
      const rest = text.slice(after, after + 2);
      if (rest === ',(' || (rest === ')' && after + 1 === text.length)) {
        entry = { name: text.slice(nameStart, match.index), pid: Number(match[1]), fd: Number(match[2]) };
        next = rest === ',(' ? after + 1 : -1;
        break;
      }
      ENTRY_END.lastIndex = match.index + 1;
    }
    if (!entry || !Number.isSafeInteger(entry.pid) || !Number.isSafeInteger(entry.fd)) return undefined;
    entries.push(entry);
    if (next < 0) return entries;
    start = next;
  }
}
