// What a "Kill" on a socket means: its process, or every holder of its port when several share it.
import type { Socket } from '../../main/core/model.js';
import { isListening } from '../../main/core/model.js';

export type KillTarget = { pid: number } | { port: number };

export interface KillRequestInput {
  target: KillTarget;
  tree: boolean;
  force: boolean;
  /** Names the target in messages: ":3000", "node (pid 4821)". */
  label: string;
}

/** null when there is nothing we may signal: the owner is hidden or the kernel holds it. */
export function killTargetFor(s: Socket, processName: string | undefined): KillRequestInput | null {
  if (s.owner !== 'known' || s.pids.length === 0) return null;
  if (s.pids.length > 1 && isListening(s)) return { target: { port: s.localPort }, tree: false, force: false, label: `:${s.localPort}` };
  const pid = s.pids[0]!;
  return { target: { pid }, tree: false, force: false, label: `${processName ?? 'process'} (pid ${pid})` };
}

export function whyNoKill(s: Socket): string {
  return s.owner === 'hidden'
    ? `the OS hides its owner. ${s.hiddenReason ?? 'Run Porthole with administrator rights to act on it.'}`
    : 'no process holds it (the kernel keeps it, e.g. in TIME_WAIT).';
}

export function killTargetForPort(port: number): KillRequestInput {
  return { target: { port }, tree: false, force: false, label: `:${port}` };
}
