// When a socket's owner cannot be placed from the inode cache, the Linux collector may search
// every fd of every process (collect/linux.ts). Not for another user's sockets when not root:
// their processes' fds are closed to us, so the search could only come back empty.
// When it does search, it reads first the processes most likely to hold the socket (searchHints).
import { describe, expect, it } from 'vitest';
import { searchable, searchHints } from '../../main/core/collect/linux-owners.js';
import type { ParsedSocket } from '../../main/core/collect/parse/types.js';
import type { OwnedSocket } from '../../main/core/collect/types.js';

function socket(inode: number, uid: number | null): ParsedSocket {
  return {
    protocol: 'udp',
    family: 4,
    localAddress: '127.0.0.53',
    localPort: 40000 + inode,
    remoteAddress: '127.0.0.1',
    remotePort: 53,
    state: 'ESTABLISHED',
    inode,
    uid,
    v6Only: null,
    pids: [],
  };
}

describe('searchable', () => {
  const sockets = [socket(1, 1000), socket(2, 0), socket(3, 101), socket(4, null)];

  it('searches only our own sockets (and those of unknown uid) when not root', () => {
    expect(searchable([1, 2, 3, 4, 5], sockets, 1000)).toEqual({ search: [1, 4, 5], skip: [2, 3] });
  });

  it('searches everything as root, whose reads no user can close', () => {
    expect(searchable([1, 2, 3], sockets, null)).toEqual({ search: [1, 2, 3], skip: [] });
  });
});

describe('searchHints', () => {
  const tcp = (inode: number, localPort: number, remotePort: number | null, state: ParsedSocket['state'] = 'ESTABLISHED'): ParsedSocket => ({
    protocol: 'tcp',
    family: 4,
    localAddress: '127.0.0.1',
    localPort,
    remoteAddress: remotePort === null ? null : '127.0.0.1',
    remotePort,
    state,
    inode,
    uid: 0,
    v6Only: null,
    pids: [],
  });
  const owned = (s: ParsedSocket, pids: number[]): OwnedSocket => ({ ...s, pids, owner: pids.length > 0 ? 'known' : 'hidden' });
  // Last poll: pid 100 listens on 5432; pid 200 holds three client connections to it, pid 300 one,
  // and pid 400 one over UDP to the same port number (another protocol: no peer of theirs).
  const previous: OwnedSocket[] = [
    owned(tcp(1, 5432, null, 'LISTEN'), [100]),
    owned(tcp(2, 50001, 5432), [200]),
    owned(tcp(3, 50002, 5432), [200]),
    owned(tcp(4, 50003, 5432), [300]),
    owned(tcp(5, 50004, 5432), [200]),
    owned({ ...tcp(6, 50005, 5432), protocol: 'udp' }, [400]),
    owned(tcp(7, 50006, 6379), []),
  ];
  const listeners = new Map([[5432, [100]]]);
  const now = [...previous.map((o) => tcp(o.inode!, o.localPort, o.remotePort, o.state)), tcp(10, 5432, 50010), tcp(11, 50010, 5432), tcp(12, 50011, 6379), tcp(13, 50012, 8080)];
  const hints = searchHints([10, 11, 12, 13], now, listeners, previous);

  it("reads an accepted connection's listener owner first", () => {
    expect(hints(10)).toEqual([100]);
  });

  it('reads the processes already connected to the same server first, busiest first', () => {
    expect(hints(11)).toEqual([200, 300]);
  });

  it('has no hint where nobody visible holds a connection to that server, or for what was not sought', () => {
    expect(hints(12)).toBeUndefined();
    expect(hints(13)).toBeUndefined();
    expect(hints(2)).toBeUndefined();
  });
});
