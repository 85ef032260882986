// Connections that outlive the server that made them, from a server WITHOUT SO_REUSEADDR (Python's
// socketserver default, plain C). Node sets SO_REUSEADDR on every TCP server, so python3 makes them.
import { engineLookup } from '../../main/core/port-view.js';
import { spawnScript, waitFor, type ScriptChild } from './spawned.js';

const SERVER_WITHOUT_REUSEADDR = `
import json, socket, sys, time
mode = sys.argv[1]
srv = socket.socket()  # no SO_REUSEADDR
srv.bind(('127.0.0.1', 0))
srv.listen(5)
port = srv.getsockname()[1]
client = socket.create_connection(('127.0.0.1', port))
accepted, _ = srv.accept()
accepted.close()  # the server side closes first: it is the side left in FIN_WAIT2, then TIME_WAIT
srv.close()
if mode == 'time-wait':
    client.close()
print(json.dumps({'port': port}), flush=True)
time.sleep(120)  # holds the client end open (FIN_WAIT2 mode) until the test's cleanup stops it
`;

/**
 * A port whose only sockets are what a server without SO_REUSEADDR left behind: 'time-wait' (both
 * ends closed) or 'fin-wait2' (the peer, this python process, keeps its end open). Every bind of the
 * port fails until they end. Resolves once the engine sees them.
 */
export async function leaveBehindWithoutReuse(mode: 'time-wait' | 'fin-wait2'): Promise<{ port: number; python: ScriptChild }> {
  const python = await spawnScript('', { execPath: 'python3', argv: ['-c', SERVER_WITHOUT_REUSEADDR, mode] });
  const port = python.info.port as number;
  const state = mode === 'time-wait' ? 'TIME_WAIT' : 'FIN_WAIT2';
  await waitFor(async () => (await engineLookup({ port })).sockets.some((s) => s.localPort === port && s.state === state && s.pids.length === 0));
  return { port, python };
}

const SERVING_WITHOUT_REUSEADDR = `
import json, socket
srv = socket.socket()  # no SO_REUSEADDR
srv.bind(('127.0.0.1', 0))
srv.listen(5)
print(json.dumps({'port': srv.getsockname()[1]}), flush=True)
held = []
while True:
    held.append(srv.accept()[0])  # kept open: a SIGTERM leaves them to the kernel
`;

/** A python3 server without SO_REUSEADDR that keeps every connection it accepts. */
export function serveWithoutReuse(): Promise<ScriptChild> {
  return spawnScript('', { execPath: 'python3', argv: ['-c', SERVING_WITHOUT_REUSEADDR] });
}
