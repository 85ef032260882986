// Real listeners in child processes, portable to Linux, macOS and Windows: `node -e SCRIPT host
// port kind marker`. The marker makes each child's command line unique, so a test can check that
// the collector read the right one. Only children started here are ever killed by stopAll().
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';

// One line, no double quotes: what Windows stores as the command line stays readable.
const SCRIPT = [
  "const [host, port, kind] = process.argv.slice(1);",
  "const say = (o) => process.stdout.write(JSON.stringify(o) + '\\n');",
  "const fail = (e) => { say({ error: e.code || String(e) }); process.exit(3); };",
  "if (kind === 'udp') { const s = require('dgram').createSocket(host.includes(':') ? 'udp6' : 'udp4'); s.on('error', fail); s.bind(Number(port), host, () => say({ port: s.address().port })); }",
  "else { const srv = require('net').createServer((c) => c.destroy()); srv.on('error', fail); srv.listen({ port: Number(port), host }, () => say({ port: srv.address().port })); }",
  'setInterval(() => {}, 1e6);',
].join(' ');

export interface Listener {
  child: ChildProcess;
  pid: number;
  port: number;
  marker: string;
  exited: Promise<unknown>;
}

export class BindRefused extends Error {
  constructor(readonly code: string) {
    super(`bind refused: ${code}`);
  }
}

const started = new Set<ChildProcess>();

export async function startListener(host: string, options: { port?: number; udp?: boolean } = {}): Promise<Listener> {
  const marker = `porthole-test-${randomBytes(6).toString('hex')}`;
  const child = spawn(process.execPath, ['-e', SCRIPT, host, String(options.port ?? 0), options.udp ? 'udp' : 'tcp', marker], {
    stdio: ['ignore', 'pipe', 'inherit'],
    windowsHide: true,
  });
  started.add(child);
  const exited = once(child, 'exit');
  const line = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(buf.slice(0, nl));
    });
    child.once('exit', (code) => reject(new Error(`listener exited early (${code})`)));
    child.once('error', reject);
  });
  const info = JSON.parse(line) as { port?: number; error?: string };
  if (info.error) {
    await exited.catch(() => undefined);
    throw new BindRefused(info.error);
  }
  return { child, pid: child.pid!, port: info.port!, marker, exited };
}

export async function stopAll(): Promise<void> {
  await Promise.all(
    [...started].map(async (child) => {
      started.delete(child);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await once(child, 'exit').catch(() => undefined);
      }
    }),
  );
}

export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** "node", "node.exe", "Node" all name the same program. */
export function programName(name: string): string {
  return name.toLowerCase().replace(/\.exe$/, '');
}
