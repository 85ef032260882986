// "Show all owners": the collector alone runs with administrator rights; the UI never does.
// The elevated process is the porthole CLI itself, `porthole watch --json`, whose JSON lines we
// validate one by one (schema.ts) into the latest picture (stream-state.ts). That picture is
// offered as an ordinary Collector, plus a ProcessDescriber for the owners' details (command
// lines, cwd) which we, unelevated, may not be allowed to read ourselves:
//
//   const elevated = startElevatedCollector({ ...collectorPaths(facts) });
//   await elevated.ready;                                   // rejects with an ElevationError
//   const engine = new Engine({ collector: elevated.collector, describer: elevated.describer });
//
// Transport: the collector writes to a file in a private temp folder that we follow (`--output`),
// on every OS. macOS's `do shell script` only returns output when the command ends, and a UAC-
// elevated process cannot inherit our pipes, so those two need a file anyway; Linux uses the same
// path so that stopping works the same everywhere: we cannot signal a process running as root,
// so we delete its output file and it exits at its next poll. 'stdout' exists for tests (and
// for an already-elevated caller), with an elevator that does not elevate.
import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { CollectorError, type Collector, type CollectOptions, type RawCollection } from '../collect/types.js';
import type { CollectorName, ProcessInfo } from '../model.js';
import { createProcessDescriber, type ProcessDescriber } from '../processes.js';
import { elevationAdvice } from './advice.js';
import { darwinElevation } from './darwin.js';
import { LineSplitter } from './lines.js';
import { linuxElevation } from './linux.js';
import { makePrivateDir, sweepStaleDirs } from './stale.js';
import { StreamState } from './stream-state.js';
import { FileFollower } from './tail.js';
import { assertSafeToElevate } from './trust.js';
import { ElevationError, type Elevator, type PlatformElevation } from './types.js';
import { win32Elevation } from './win32.js';

export { collectorPaths, type AppFacts, type CollectorLocation } from './paths.js';
export { elevationAdvice } from './advice.js';
export { sweepStaleDirs } from './stale.js';
export { ElevationError, type ElevationFailure, type Elevator, type ElevatedCommand } from './types.js';

export interface ElevatedCollectorOptions {
  cliPath: string;
  /** The program that runs cliPath: Electron's binary (in Node mode) or node. */
  nodePath: string;
  platform?: NodeJS.Platform;
  /** How often the elevated side polls. Default 1000 ms (the CLI accepts 250 ms .. 1 h). */
  intervalMs?: number;
  /** Replaces the OS's elevation wrapper; tests pass one that does not elevate. */
  elevator?: Elevator;
  transport?: 'file' | 'stdout';
  /** Refuse to elevate files that other users could replace (trust.ts). Default true. */
  checkTrust?: boolean;
  /** Details for pids the elevated side did not describe. Default: this OS's describer. */
  fallbackDescriber?: ProcessDescriber;
  /** Where the private output folder goes. Default os.tmpdir(). */
  tmpRoot?: string;
  /** How often the output file is read. Default 200 ms. */
  followMs?: number;
  spawn?: (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;
  env?: NodeJS.ProcessEnv;
}

export interface ElevatedCollector {
  readonly collector: Collector;
  readonly describer: ProcessDescriber;
  /** Resolves at the first snapshot; rejects with an ElevationError (declined, missing tool...). */
  readonly ready: Promise<void>;
  /** Resolves when the collector has ended: null when we stopped it, else why it ended. */
  readonly done: Promise<ElevationError | null>;
  readonly error: ElevationError | null;
  stats(): { goodLines: number; badLines: number; sockets: number; rotations: number };
  /** The wrapper process we started (pkexec, osascript, powershell), while it runs. */
  readonly pid: number | undefined;
  /** Stops the collector. It runs as root, so this removes its output and waits for it to go. */
  stop(): Promise<void>;
}

const PLATFORMS: Partial<Record<NodeJS.Platform, PlatformElevation>> = {
  linux: linuxElevation,
  darwin: darwinElevation,
  win32: win32Elevation,
};

const DEFAULT_NAMES: Partial<Record<NodeJS.Platform, CollectorName>> = { linux: 'linux-ss', darwin: 'darwin-lsof', win32: 'win32-netstat' };
const STDERR_KEEP = 8 * 1024;

export function startElevatedCollector(options: ElevatedCollectorOptions): ElevatedCollector {
  const platform = options.platform ?? process.platform;
  const intervalMs = options.intervalMs ?? 1000;
  const transport = options.transport ?? 'file';
  const state = new StreamState(DEFAULT_NAMES[platform] ?? 'systeminformation');
  const fallback = options.fallbackDescriber ?? createProcessDescriber(platform);
  const route = PLATFORMS[platform];

  let error: ElevationError | null = null;
  let stopping = false;
  let child: ChildProcess | undefined;
  let follower: FileFollower | undefined;
  let dir: string | undefined;
  let outputFile: string | undefined;
  let rotations = 0;

  let resolveReady!: () => void;
  let rejectReady!: (e: ElevationError) => void;
  const ready = new Promise<void>((res, rej) => ((resolveReady = res), (rejectReady = rej)));
  // Callers may never await ready (they poll collect()): a decline must not be an unhandled rejection.
  ready.catch(() => undefined);
  let resolveDone!: (e: ElevationError | null) => void;
  const done = new Promise<ElevationError | null>((res) => (resolveDone = res));

  const splitter = new LineSplitter(
    (line) => {
      const event = state.acceptLine(line);
      if (event?.type === 'snapshot') resolveReady();
    },
    undefined,
    () => state.badLines++,
  );

  const finish = (why: ElevationError | null) => {
    if (why && !error && !stopping) error = why;
    if (error) rejectReady(error);
    resolveDone(stopping ? null : error);
  };

  const cleanupFiles = () => {
    if (!dir) return;
    // The file first: its disappearance is what tells the elevated collector to exit.
    if (outputFile) rmSync(outputFile, { force: true, maxRetries: 2 });
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
    } catch {
      // Windows may hold it until the collector exits; sweepStaleDirs() clears it next time.
    }
  };

  try {
    if (!route && !options.elevator) throw new ElevationError(`Elevation is not supported on ${platform}.`, 'unsupported', elevationAdvice(platform));
    // An AppImage runs from a FUSE mount that only its user may read, root included: pkexec's
    // process could not even start the app binary.
    if (platform === 'linux' && (options.env ?? process.env).APPIMAGE && !options.elevator) {
      throw new ElevationError(
        'Show all owners is not available in the AppImage (root cannot read its mounted files).',
        'unsupported',
        'Run `sudo npx porthole list` in a terminal, or install the deb or rpm and run `sudo porthole`.',
      );
    }
    if (options.checkTrust !== false) assertSafeToElevate([options.nodePath, options.cliPath], platform);
    const args = ['watch', '--json', '--interval', `${intervalMs}ms`];
    if (transport === 'file') {
      sweepStaleDirs(options.tmpRoot);
      dir = makePrivateDir(options.tmpRoot);
      outputFile = path.join(dir, 'snapshot.jsonl');
      args.push('--output', outputFile);
    }
    const elevate = options.elevator ?? route!.elevatedCommand;
    const { command, args: argv } = elevate(options.cliPath, options.nodePath, args);
    const spawn = options.spawn ?? nodeSpawn;
    child = spawn(command, argv, { stdio: ['ignore', transport === 'stdout' ? 'pipe' : 'ignore', 'pipe'], windowsHide: true });
  } catch (e) {
    cleanupFiles();
    finish(e instanceof ElevationError ? e : new ElevationError((e as Error).message, 'exited', elevationAdvice(platform)));
    return handle();
  }

  let stderr = '';
  let spawned = false;
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString('utf8')).slice(-STDERR_KEEP)));
  child.stdout?.on('data', (d: Buffer) => splitter.push(d));
  child.once('spawn', () => (spawned = true));
  child.on('error', (e: NodeJS.ErrnoException) => {
    // After spawning, an 'error' is a signal we could not deliver (the process is root's): harmless.
    if (spawned) return;
    cleanupFiles();
    void follower?.stop();
    finish(route ? route.explainSpawnError(e) : new ElevationError(`Could not start the collector: ${e.message}`, 'missing-tool', elevationAdvice(platform)));
  });
  child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
    void (async () => {
      if (follower) {
        await follower.poll().catch(() => undefined);
        await follower.stop();
      }
      splitter.end();
      cleanupFiles();
      if (!spawned) return; // 'error' reported it
      finish(explain(code, signal));
    })();
  });

  if (outputFile) {
    follower = new FileFollower(outputFile, { onData: (d) => splitter.push(d), onRotate: () => (rotations++, splitter.end()) }, options.followMs ?? 200);
    follower.start();
  }

  function explain(code: number | null, signal: NodeJS.Signals | null): ElevationError {
    const own = route?.explainExit({ code, signal, stderr });
    if (own) return own;
    const lastLine = stderr.trim().split('\n').pop()?.trim() ?? '';
    const how = signal ? `was stopped by ${signal}` : `exited with code ${code}`;
    const message = state.hasSnapshot
      ? `The elevated collector ${how}${lastLine ? `: ${lastLine}` : '.'}`
      : `The elevated collector ${how} before sending a snapshot${lastLine ? `: ${lastLine}` : '.'}`;
    return new ElevationError(message, 'exited', elevationAdvice(platform));
  }

  function handle(): ElevatedCollector {
    const collector: Collector = {
      get name() {
        return state.name;
      },
      async collect(opts: CollectOptions = {}): Promise<RawCollection> {
        if (error) throw new CollectorError(error.message, state.name, error);
        if (!state.hasSnapshot) await abortable(ready, opts.signal);
        if (error) throw new CollectorError((error as ElevationError).message, state.name, error);
        return state.toRaw(opts);
      },
    };
    const describer: ProcessDescriber = {
      async describe(pids, hints): Promise<Map<number, ProcessInfo>> {
        const known = state.describe(pids);
        const missing = pids.filter((p) => !known.has(p));
        if (missing.length > 0) for (const [pid, info] of await fallback.describe(missing, hints)) known.set(pid, info);
        return known;
      },
    };
    return {
      collector,
      describer,
      ready,
      done,
      get error() {
        return error;
      },
      stats: () => ({ goodLines: state.goodLines, badLines: state.badLines, sockets: state.socketCount(), rotations }),
      get pid() {
        return child?.pid;
      },
      async stop() {
        if (stopping) return void (await done);
        stopping = true;
        cleanupFiles();
        await follower?.stop();
        child?.stdout?.destroy();
        if (child && child.exitCode === null && child.signalCode === null) child.kill();
        // A root collector notices its file is gone within one interval; don't wait forever for it.
        await Promise.race([done, delay(intervalMs * 2 + 1000)]);
        rejectReady(new ElevationError('The elevated collector was stopped.', 'exited', elevationAdvice(platform)));
        resolveDone(null);
      },
    };
  }

  return handle();
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => (signal.removeEventListener('abort', onAbort), resolve(v)),
      (e) => (signal.removeEventListener('abort', onAbort), reject(e)),
    );
  });
}
