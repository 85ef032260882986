// The tests' own guard: a listener they start must hold a port nothing else holds, or a kill by
// port would stop that other program too. Here the "other program" is one of ours that has left
// home: started through a shell that exits at once, so that it is no longer our descendant.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { readIdentity } from '../../main/core/identity.js';
import { cleanup, killIfSame, spawnScriptOnce, strangersOn, withOwnPort } from './spawned.js';

const LISTEN = `
const srv = require('net').createServer();
srv.listen(Number(process.argv[2]), process.argv[1], () => process.stdout.write(JSON.stringify({ port: srv.address().port, pid: process.pid }) + '\\n'));
setInterval(() => {}, 1000);
`;

let orphan: { pid: number; startTime: number } | undefined;

afterEach(async () => {
  await cleanup();
  // The orphan is ours too.
  await killIfSame(orphan ?? null);
  orphan = undefined;
});

/** A listener on ::1 whose parent, a shell, has exited: its new parent is init or a subreaper. */
async function orphanListener(): Promise<{ port: number; pid: number }> {
  const sh = spawn('sh', ['-c', `"${process.execPath}" -e "$0" ::1 0 &`, LISTEN], { stdio: ['ignore', 'pipe', 'ignore'] });
  const [line] = (await once(sh.stdout!, 'data')) as [Buffer];
  const info = JSON.parse(line.toString()) as { port: number; pid: number };
  const id = await readIdentity(info.pid);
  orphan = { pid: info.pid, startTime: id!.startTime };
  return info;
}

describe.runIf(process.platform === 'linux')('a port of our own', () => {
  it('names a holder we did not start as a stranger, and starts again on another port', async () => {
    const other = await orphanListener();
    expect(await strangersOn(other.port)).toEqual([`pid ${other.pid} on ::1:${other.port}`]);

    // The first start lands on the stranger's port number (on 127.0.0.1, where it is free).
    const ports = [other.port, 0];
    const stopped: number[] = [];
    const mine = await withOwnPort(
      () => spawnScriptOnce(LISTEN, { args: ['127.0.0.1', String(ports.shift())] }),
      (c) => c.info.port as number,
      async (c) => {
        stopped.push(c.pid);
        c.child.kill('SIGKILL');
        await c.exited;
      },
    );
    expect(stopped).toHaveLength(1);
    expect(mine.info.port).not.toBe(other.port);
    expect(await strangersOn(mine.info.port as number)).toEqual([]);
    // The stranger was left alone.
    expect(await readIdentity(other.pid)).toMatchObject({ startTime: orphan!.startTime });
  });
});
