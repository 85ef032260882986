// When a socket's owner cannot be placed from the inode cache, the Linux collector may search
// every fd of every process (collect/linux.ts). Not for another user's sockets when not root:
// their processes' fds are closed to us, so the search could only come back empty.
import { describe, expect, it } from 'vitest';
import { searchable } from '../../main/core/collect/linux-owners.js';
import type { ParsedSocket } from '../../main/core/collect/parse/types.js';

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
