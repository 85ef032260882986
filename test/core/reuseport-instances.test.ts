// Two copies of one program, each with its own SO_REUSEPORT socket on one address: Linux splits new
// connections between them. Forked by one master, that is a worker group and intended; started twice
// from a shell, it is a server someone ran twice, and a conflict. Real python3 processes (Node 20
// has no reusePort), started by a real master and a real sh.
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../main/core/engine.js';
import type { Snapshot } from '../../main/core/model.js';
import { adopt, cleanup, spawnScript, waitFor } from './spawned.js';

afterEach(cleanup);

/** Listens on 127.0.0.1:PORT (0: any) with SO_REUSEPORT, writes the port to fd W, then waits. */
const SERVE = `
import os, socket, sys, time
def serve(port, w):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    s.bind(('127.0.0.1', port))
    s.listen(5)
    os.write(w, (str(s.getsockname()[1]) + '\\n').encode())
    while True:
        time.sleep(60)
`;

/** A master holding no socket forks two workers: the first picks the port, the second joins it. */
const MASTER = `${SERVE}
def read_port(r):
    line = b''
    while not line.endswith(b'\\n'):
        line += os.read(r, 1)
    return int(line)
r, w = os.pipe()
if os.fork() == 0:
    serve(0, w)
port = read_port(r)
if os.fork() == 0:
    serve(port, w)
read_port(r)
print('{"port": %d}' % port, flush=True)
os.wait()
`;

/** The same server run twice from one sh, the second on the port the first was given. */
const TWICE_FROM_A_SHELL = `
dir=$(mktemp -d)
python3 -c "$SERVE" 0 > "$dir/port" &
while [ ! -s "$dir/port" ]; do sleep 0.05; done
port=$(cat "$dir/port")
python3 -c "$SERVE" "$port" > "$dir/second" &
while [ ! -s "$dir/second" ]; do sleep 0.05; done
rm -r "$dir"
echo "{\\"port\\": $port}"
wait
`;

const SERVE_ONE = `${SERVE}
serve(int(sys.argv[1]), 1)
`;

function hasPython(): boolean {
  try {
    execFileSync('python3', ['-c', 'import socket; socket.SO_REUSEPORT'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The two listeners on the port, once the engine sees both with their owners. */
async function listenersOn(port: number): Promise<{ snapshot: Snapshot; pids: number[] }> {
  const engine = new Engine();
  let snapshot: Snapshot | undefined;
  const listening = () => snapshot!.sockets.filter((s) => s.localPort === port && s.state === 'LISTEN' && s.pids.length === 1);
  await waitFor(async () => {
    snapshot = await engine.snapshot();
    return listening().length === 2;
  });
  const pids = listening().flatMap((s) => s.pids).sort((a, b) => a - b);
  for (const pid of pids) await adopt(pid);
  return { snapshot: snapshot!, pids };
}

describe.runIf(process.platform === 'linux' && hasPython())('SO_REUSEPORT copies of one program on one address', () => {
  it('calls the workers of one master a worker group, for information', async () => {
    const master = await spawnScript('', { execPath: 'python3', argv: ['-c', MASTER] });
    const port = master.info.port as number;
    const { snapshot, pids } = await listenersOn(port);
    for (const pid of pids) expect(snapshot.processes.get(pid)).toMatchObject({ name: 'python3', ppid: master.pid, parentName: 'python3' });
    const conflicts = snapshot.conflicts.filter((c) => c.port === port);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ kind: 'shared-socket', severity: 'info', pids });
    expect(conflicts[0]!.reason).toContain('a worker group');
  });

  it('calls two copies started from one shell a conflict: each gets some of the connections', async () => {
    const shell = await spawnScript('', { execPath: 'sh', argv: ['-c', TWICE_FROM_A_SHELL], env: { ...process.env, SERVE: SERVE_ONE } });
    const port = shell.info.port as number;
    const { snapshot, pids } = await listenersOn(port);
    for (const pid of pids) expect(snapshot.processes.get(pid)).toMatchObject({ name: 'python3', ppid: shell.pid, parentName: 'sh' });
    const conflicts = snapshot.conflicts.filter((c) => c.port === port);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ kind: 'address-overlap', severity: 'warning', pids });
    expect(conflicts[0]!.reason).toBe(
      `python3 (pid ${pids[0]}) and python3 (pid ${pids[1]}) both listen on 127.0.0.1:${port}: new connections to 127.0.0.1 go to either one, unpredictably.`,
    );
  });
});
