// Requests Node's HTTP parser rejects (a 20 KB URL, a malformed header line, a stalled request)
// never reach the request handler, and Node's own answer to them carries none of our security
// headers. This answers them as Node would (same statuses, then close), with the headers.
import type { Duplex } from 'node:stream';
import { endWithStatus } from './raw-response.js';

export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex, host: string): void {
  // A peer that reset cannot read an answer; a connection that already carried a response (keep-
  // alive) cannot take a second status line in the middle of it. Node's default does the same.
  const written = (socket as Duplex & { bytesWritten?: number }).bytesWritten ?? 0;
  if (error.code === 'ECONNRESET' || !socket.writable || written > 0) {
    socket.destroy();
    return;
  }
  endWithStatus(socket, statusFor(error.code), host);
}

function statusFor(code: string | undefined): number {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return 431;
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return 413;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return 408;
    default:
      return 400;
  }
}
