// Processes the operating system cannot do without. They pass the pid guard (they are not init,
// Porthole or its parents) yet ending one crashes Windows, forces a restart, logs the user out, or
// does nothing at all (a kernel thread). They do hold ports developers ask about: System (pid 4)
// holds :80 for HTTP.sys, svchost.exe holds :135 and :7680, lsass.exe an RPC port. The refusal
// names what to stop instead. Pure: the facts come from the identity readers.
import type { Refusal } from './kill-types.js';

export interface CriticalFacts {
  /** The OS's name for it: an image name on Windows ("lsass.exe"), the short name elsewhere. */
  name?: string;
  /** Full executable path, when the OS shows it. A namesake elsewhere is someone's own program. */
  exe?: string | null;
  /** Linux: the PF_KTHREAD flag of /proc/PID/stat. */
  kernelThread?: boolean;
}

/** Windows' own processes whose end is a blue screen or a forced restart. */
const WINDOWS_CRITICAL = new Set(['smss.exe', 'csrss.exe', 'wininit.exe', 'winlogon.exe', 'services.exe', 'lsass.exe', 'lsaiso.exe']);
const WINDOWS_SYSTEM_DIR = /^[a-z]:\\windows\\(?:system32|syswow64)\\[^\\]+$/i;

/** The macOS login session: ending either logs the user out. */
const MACOS_SESSION = new Set(['windowserver', 'loginwindow']);
const MACOS_SYSTEM_DIR = /^\/System\/Library\//;

/** pid 4 is the kernel ("System") on every Windows since 2000; it has no creation time to read. */
export const WINDOWS_SYSTEM_PID = 4;

export function criticalRefusal(platform: NodeJS.Platform, pid: number, facts: CriticalFacts): Refusal | null {
  const name = facts.name ?? '';
  const named = name ? `${name} (pid ${pid})` : `pid ${pid}`;
  if (platform === 'win32') {
    if (pid === WINDOWS_SYSTEM_PID) {
      return {
        pid,
        reason: 'os-critical',
        message:
          `System (pid ${pid}) is the Windows kernel and cannot be stopped. A port it holds belongs to a driver, ` +
          'most often HTTP.sys serving IIS (W3SVC), WinRM or another service that registered a URL: ' +
          '`netsh http show servicestate` names the process behind it; stop that service instead.',
      };
    }
    const image = name.toLowerCase();
    const inSystemDir = facts.exe ? WINDOWS_SYSTEM_DIR.test(facts.exe) : true;
    if (!inSystemDir) return null;
    if (WINDOWS_CRITICAL.has(image)) {
      return { pid, reason: 'os-critical', message: `${named} is a critical Windows process: ending it crashes Windows (a blue screen) or forces a restart.` };
    }
    if (image === 'svchost.exe') {
      return {
        pid,
        reason: 'os-critical',
        message:
          `${named} hosts Windows services, and ending it stops every one of them, some of which (RPC, DCOM) Windows cannot run without. ` +
          `Stop the one service instead: \`tasklist /svc /fi "PID eq ${pid}"\` names it, then \`sc stop NAME\` as administrator.`,
      };
    }
    return null;
  }
  if (platform === 'darwin') {
    const inSystemDir = facts.exe ? MACOS_SYSTEM_DIR.test(facts.exe) : true;
    if (inSystemDir && MACOS_SESSION.has(name.toLowerCase())) {
      return { pid, reason: 'os-critical', message: `${named} runs the macOS login session: ending it logs you out and closes every app without saving.` };
    }
    return null;
  }
  if (platform === 'linux' && facts.kernelThread) {
    return {
      pid,
      reason: 'os-critical',
      message: `${named} is a kernel thread: it ignores signals. A socket it holds belongs to the kernel module that started it (nfsd, for example), which that module's own service stops.`,
    };
  }
  return null;
}
