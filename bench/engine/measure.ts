// Timing commands and in-process calls: wall time, and CPU time that counts children too.
//
// Wall time: from spawn to the child's exit with its output read (in-process: around the call).
// CPU time: in-process, process.cpuUsage() (every thread of this process) plus the CPU of the
// children it waited for (ss); child commands, the CPU of the child and its own children. Children's
// CPU comes from /proc/self/stat (cutime + cstime, 10 ms ticks): the figure per run is the mean of
// N runs, within a few ms.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { median } from '../breakdown.js';

export const TICK_MS = 10; // USER_HZ = 100

export interface Stat {
  id: string;
  label: string;
  runs: number;
  wallMs: number[];
  /** Mean CPU ms per run. */
  cpuMs: number;
  medianWallMs: number;
  error?: string;
}

export interface Measure {
  id: string;
  label: string;
  runs: number;
  inProcess: boolean;
  run(): Promise<void>;
}

/** The fields of /proc/PID/stat after the command name: field 3 (state) is index 0. */
function statFields(pid: number | 'self'): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

export function childrenCpuTicks(): number {
  const fields = statFields('self');
  // Fields 16 and 17 (cutime, cstime).
  return Number(fields[13]) + Number(fields[14]);
}

/**
 * CPU ticks of this process's live children, their own and their reaped children's, except
 * `exclude` (the load generator). The monitor's fork-server shell lives as long as the monitor and
 * reaps each `ss` itself, so their CPU shows here and not in childrenCpuTicks() until it exits.
 */
export function liveChildrenCpuTicks(exclude: ReadonlySet<number>): number {
  let ticks = 0;
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || exclude.has(pid)) continue;
    let fields: string[];
    try {
      fields = statFields(pid);
    } catch {
      continue; // exited meanwhile
    }
    // Field 4 (ppid) is index 1 here; 14-17 (utime, stime, cutime, cstime) are 11-14.
    if (Number(fields[1]) !== process.pid) continue;
    ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  }
  return ticks;
}

export function selfCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Run a command to its end, reading (and dropping) its output. */
export function runChild(command: string, args: string[], okCodes = [0], env: NodeJS.ProcessEnv = process.env): Promise<{ bytes: number; text?: string }> {
  return runChildKeep(command, args, okCodes, false, env);
}

export function runChildKeep(command: string, args: string[], okCodes: number[], keep: boolean, env: NodeJS.ProcessEnv = process.env): Promise<{ bytes: number; text?: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, LC_ALL: 'C' } });
    let bytes = 0;
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      bytes += d.length;
      if (keep) chunks.push(d);
    });
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 2000) stderr += d.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== null && okCodes.includes(code)) resolve({ bytes, text: keep ? Buffer.concat(chunks).toString('utf8') : undefined });
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr.trim().split('\n')[0] ?? ''}`));
    });
  });
}

/** Every measure, round after round: round r runs each measure that wants more than r runs. */
export async function measureInterleaved(measures: Measure[]): Promise<Stat[]> {
  const state = measures.map((m) => ({ m, wall: [] as number[], cpu: 0, error: undefined as string | undefined }));
  const rounds = Math.max(...measures.map((m) => m.runs));
  for (let r = 0; r < rounds; r++) {
    for (const s of state) {
      if (r >= s.m.runs || s.error) continue;
      const self0 = selfCpuMs();
      const kids0 = childrenCpuTicks();
      const t0 = performance.now();
      try {
        await s.m.run();
      } catch (error) {
        s.error = (error as Error).message;
        continue;
      }
      const wall = performance.now() - t0;
      const cpu = (childrenCpuTicks() - kids0) * TICK_MS + (s.m.inProcess ? selfCpuMs() - self0 : 0);
      s.wall.push(wall);
      s.cpu += cpu;
    }
  }
  return state.map((s) => ({
    id: s.m.id,
    label: s.m.label,
    runs: s.wall.length,
    wallMs: s.wall,
    cpuMs: s.wall.length ? s.cpu / s.wall.length : NaN,
    medianWallMs: median(s.wall),
    error: s.error,
  }));
}
