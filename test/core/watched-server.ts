// A real server run under a real supervisor: `node --watch`, which starts it again when a file
// changes. For the tests of what kill says about supervisors (core, CLI, service).
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readIdentity } from '../../main/core/identity.js';
import { adopt, killIfSame, spawnScriptOnce, withOwnPort, type ScriptChild } from './spawned.js';

/** Listens on 127.0.0.1, on the port in ./port when a previous run left one there, else on 0. */
export const SERVER = `
const fs = require('fs');
let port = 0;
try { port = Number(fs.readFileSync('port', 'utf8')); } catch {}
const srv = require('net').createServer((c) => c.destroy());
srv.listen(port, '127.0.0.1', () => {
  fs.writeFileSync('port', String(srv.address().port));
  process.stdout.write(JSON.stringify({ port: srv.address().port, pid: process.pid }) + '\\n');
});
`;

const folders: string[] = [];

/** A folder holding server.js, for a supervisor to run it from. removeServerFolders() deletes it. */
export function serverFolder(prefix: string): string {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), `porthole-${prefix}-`)));
  writeFileSync(path.join(dir, 'server.js'), SERVER);
  folders.push(dir);
  return dir;
}

/** For afterAll, once every supervisor using the folders has been killed. */
export function removeServerFolders(): void {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** `node --watch server.js`; cleanup() kills both the watcher and the server. */
export async function spawnWatchedServer(): Promise<{ watcher: ScriptChild; server: { port: number; pid: number } }> {
  // Each attempt gets a fresh folder: the server keeps its port in ./port across restarts.
  const { watcher, server } = await withOwnPort(
    async () => {
      const watcher = await spawnScriptOnce('', { argv: ['--watch', 'server.js'], cwd: serverFolder('watch') });
      const server = watcher.info as { port: number; pid: number };
      const identity = await readIdentity(server.pid);
      await adopt(server.pid);
      return { watcher, server, identity };
    },
    ({ server }) => server.port,
    async ({ watcher, server, identity }) => {
      watcher.child.kill('SIGKILL');
      await watcher.exited;
      // The server outlives its watcher.
      await killIfSame(identity);
    },
  );
  return { watcher, server };
}
