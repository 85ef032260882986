// Programs that listen on a port on behalf of something else: a container, a VM, a tunnel. The
// port's real service lives behind them, so they are labelled by the port and never called an
// "unexpected owner" of it.
import type { ProcessInfo } from '../model.js';
import { matchesProgram, type ProgramMatcher } from './program.js';

export type RelayKind = 'container' | 'vm' | 'tunnel';

export interface Relay extends ProgramMatcher {
  kind: RelayKind;
  /** Who relays, for labels and sentences: "Docker", "an SSH tunnel". */
  via: string;
}

export const RELAYS: readonly Relay[] = [
  { kind: 'container', via: 'Docker', program: /^docker-proxy$/ },
  { kind: 'container', via: 'Docker Desktop', program: /^(com\.docker\.backend|com\.docker\.vpnkit|vpnkit|vpnkit-bridge)$/ },
  { kind: 'container', via: 'rootless Docker/Podman', program: /^(rootlessport|rootlesskit|slirp4netns|pasta|passt)$/ },
  { kind: 'container', via: 'Podman', program: /^(podman|conmon|gvproxy|netavark)$/ },
  { kind: 'container', via: 'containerd', program: /^(containerd|nerdctl)$/ },
  { kind: 'container', via: 'OrbStack', program: /^orbstack/ },
  { kind: 'vm', via: 'WSL', program: /^(wslrelay|wslhost|wsl)$/ },
  { kind: 'vm', via: 'a QEMU VM', program: /^qemu-system-/ },
  { kind: 'vm', via: 'a VirtualBox VM', program: /^(vboxheadless|virtualboxvm|vboxnetnat)$/ },
  { kind: 'vm', via: 'Lima/Colima', program: /^(limactl|colima|lima-guestagent)$/ },
  { kind: 'vm', via: 'Multipass', program: /^multipassd$/ },
  { kind: 'tunnel', via: 'kubectl port-forward', program: /^(kubectl|oc)$/, command: /\bport-forward\b/ },
  { kind: 'tunnel', via: 'an SSH tunnel', program: /^(ssh|autossh|plink)$/ },
  { kind: 'tunnel', via: 'socat', program: /^socat$/ },
  { kind: 'tunnel', via: 'Cloud SQL Auth Proxy', program: /^(cloud-sql-proxy|cloud_sql_proxy)$/ },
  { kind: 'tunnel', via: 'an AWS SSM session', program: /^session-manager-plugin$/ },
  { kind: 'tunnel', via: 'a gcloud IAP tunnel', command: /\bstart-iap-tunnel\b/ },
  // VS Code forwards ports for Remote SSH and Dev Containers from its local process. Its own
  // servers (Live Server) are caught by the process hints first.
  { kind: 'tunnel', via: 'a VS Code port forward', program: /^(code|code-insiders|codium|cursor|code-tunnel)$/ },
  { kind: 'tunnel', via: 'sshuttle', command: /\bsshuttle\b/ },
  { kind: 'tunnel', via: 'chisel', program: /^(chisel|frpc|inlets|bore)$/ },
];

const relays = new WeakMap<object, Relay | null>();

export function relayOf(proc: Pick<ProcessInfo, 'name' | 'exe' | 'command' | 'argv'>): Relay | null {
  let relay = relays.get(proc);
  if (relay === undefined) {
    relay = RELAYS.find((r) => matchesProgram(proc, r)) ?? null;
    relays.set(proc, relay);
  }
  return relay;
}
