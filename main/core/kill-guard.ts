// Pids Porthole never signals, whatever the plan says. Checked when planning AND again right before
// each signal, so a hand-built or stale plan can't slip one through.
import type { Refusal } from './kill-types.js';

export function guardRefusal(pid: number, selfPid: number, ancestors: ReadonlySet<number>, nameOf: (pid: number) => string | undefined = () => undefined): Refusal | null {
  if (typeof pid !== 'number' || Number.isNaN(pid)) {
    return { pid: null, reason: 'invalid-pid', message: `"${String(pid)}" is not a process id.` };
  }
  if (!Number.isSafeInteger(pid)) return { pid: null, reason: 'invalid-pid', message: `${pid} is not a process id: pids are whole numbers.` };
  if (pid === 0) {
    return { pid, reason: 'invalid-pid', message: "pid 0 is not a process: signalling it would hit every process in Porthole's own process group." };
  }
  if (pid === -1) return { pid, reason: 'invalid-pid', message: 'pid -1 is not a process: signalling it would hit every process we are allowed to signal.' };
  if (pid < 0) return { pid, reason: 'invalid-pid', message: `pid ${pid} is not a process: a negative pid means the whole process group ${-pid}.` };
  const named = (p: number) => (nameOf(p) ? `${nameOf(p)} (pid ${p})` : `pid ${p}`);
  if (pid === 1) {
    return { pid, reason: 'init', message: `${named(1)} is init, the process everything else runs under: stopping it takes down the whole machine or container.` };
  }
  if (pid === selfPid) return { pid, reason: 'self', message: `${named(pid)} is Porthole itself.` };
  if (ancestors.has(pid)) {
    return { pid, reason: 'ancestor', message: `${named(pid)} started Porthole (it is the shell, terminal or app above it): killing it would take Porthole and your session down with it.` };
  }
  return null;
}
