// A status-only answer written straight to a socket, where there is no ServerResponse: refused
// WebSocket upgrades, and requests Node's HTTP parser rejected. It carries the same security
// headers as every other response, and it is the last thing on the connection.
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { securityHeaders } from './headers.js';

/** `host`: a checked Host, or our canonical one (see setSecurityHeaders). */
export function endWithStatus(socket: Duplex, status: number, host: string): void {
  const headers = { ...securityHeaders(host), Connection: 'close', 'Content-Length': '0' };
  const head = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
  // Destroyed once flushed: nothing more is read from this connection.
  socket.once('finish', () => socket.destroy());
  socket.end(`${head.join('\r\n')}\r\n\r\n`);
}
