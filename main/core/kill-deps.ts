// The real world, as kill.ts sees it. Every member can be replaced, by tests or by a caller that
// already has an engine running.
import { ancestorsOf, descendantsOf, platformIdentity, readIdentity } from './identity.js';
import { signalSender } from './kill-signal.js';
import type { KillDeps } from './kill-types.js';
import { engineLookup } from './port-view.js';
import { createProcessDescriber } from './processes.js';
import { supervisionReader } from './supervision-lookup.js';
import { trialBind } from './trial-bind.js';

export function defaultKillDeps(platform: NodeJS.Platform = process.platform): KillDeps {
  const backend = platformIdentity(platform);
  return {
    sockets: engineLookup,
    readIdentity: (pid) => readIdentity(pid, backend),
    // On Windows the identity's name is already the full image name, and asking CIM again would
    // start another PowerShell (~1 s) for nothing.
    namesOf:
      platform === 'win32'
        ? async () => new Map()
        : async (pids) => {
            const described = await createProcessDescriber(platform).describe(pids, new Map());
            return new Map([...described].map(([pid, info]) => [pid, info.name]));
          },
    ancestorsOf: (pid) => ancestorsOf(pid, backend),
    descendantsOf: (pid) => descendantsOf(pid, backend),
    supervisionOf: supervisionReader(platform, backend),
    sendSignal: signalSender(platform),
    trialBind,
    selfPid: process.pid,
    platform,
    now: Date.now,
  };
}

export function withDefaults(overrides: Partial<KillDeps> | undefined): KillDeps {
  return { ...defaultKillDeps(), ...overrides };
}
