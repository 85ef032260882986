// `porthole serve` as a user runs it (the bundled command), on a temp settings file, for the CLI,
// end-to-end and bench runs. Only the child started here is ever signalled.
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_SETTINGS, type Settings } from '../../main/core/contract.js';
import { startCli } from '../cli/run-cli.js';

export const RENDERER_INDEX = path.resolve('out/renderer/index.html');
export const URL_LINE = /^Porthole is at (http:\/\/127\.0\.0\.1:(\d+)\/([A-Za-z0-9_-]{43})\/) \(Ctrl\+C to stop\)$/;

/**
 * Why browser-mode tests against the real renderer cannot run, or undefined when they can. No
 * renderer project at all: skip. A project whose build is missing: run, and fail on it.
 */
export function rendererMissing(): string | undefined {
  if (existsSync(RENDERER_INDEX)) return undefined;
  if (existsSync('renderer/vite.config.ts')) throw new Error(`${RENDERER_INDEX} is missing: the renderer failed to build (see the global setup's output)`);
  return 'there is no renderer project yet (renderer/vite.config.ts)';
}

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  port: number;
  token: string;
  lines: string[];
  stderr: () => string;
  settingsFile: string;
  /** Signal it (SIGINT: Ctrl+C) unless it has exited, then the exit status. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function startServe(options: { args?: string[]; settings?: Partial<Settings> } = {}): Promise<ServeProcess> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'porthole-serve-cli-'));
  const settingsFile = path.join(dir, 'settings.json');
  writeFileSync(settingsFile, JSON.stringify({ ...DEFAULT_SETTINGS, watchedPorts: [], ...options.settings }));
  // A private copy of the build: a rebuild of out/renderer meanwhile (another test run, a developer)
  // must not turn pages into 404s half-way through.
  const renderer = path.join(dir, 'renderer');
  cpSync(path.dirname(RENDERER_INDEX), renderer, { recursive: true });
  const cli = startCli(['serve', ...(options.args ?? [])], { env: { PORTHOLE_SETTINGS_FILE: settingsFile, PORTHOLE_RENDERER_DIR: renderer } });
  let stderr = '';
  cli.child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = once(cli.child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  let line: string;
  try {
    line = await Promise.race([
      cli.waitFor((l) => URL_LINE.test(l)),
      exited.then(([code]) => Promise.reject(new Error(`porthole serve exited (${code}): ${stderr}`))),
    ]);
  } catch (error) {
    if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const [, url, port, token] = URL_LINE.exec(line)!;
  return {
    child: cli.child,
    url: url!,
    port: Number(port),
    token: token!,
    lines: cli.lines,
    stderr: () => stderr,
    settingsFile,
    async stop(send: NodeJS.Signals = 'SIGINT') {
      if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill(send);
      const [code, signal] = await exited;
      rmSync(dir, { recursive: true, force: true });
      return { code, signal };
    },
  };
}
