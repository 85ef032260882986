// A port whose only socket is a TCP connection in TIME_WAIT, made on loopback in this process.
import { once } from 'node:events';
import net from 'node:net';
import { engineLookup } from '../../main/core/port-view.js';
import { waitFor } from './spawned.js';

/** Returns the port once the engine sees the TIME_WAIT socket on it; the listener is closed. */
export async function leaveTimeWait(): Promise<number> {
  // The side that closes first keeps TIME_WAIT: here the server side, whose local port is `port`.
  const server = net.createServer((c) => c.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  const client = net.connect(port, '127.0.0.1');
  client.resume();
  await once(client, 'close');
  await new Promise((r) => server.close(r));
  await waitFor(async () => (await engineLookup({ port })).sockets.some((s) => s.state === 'TIME_WAIT' && s.localPort === port));
  return port;
}
