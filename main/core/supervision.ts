// Who starts a process again after Porthole stops it. Killing a server that runsv, pm2, a systemd
// unit or a file watcher looks after frees the port for a moment only; the kill plan says so up
// front, with the one command that stops it for good. Pure: supervision-lookup.ts reads the OS.
import type { ProcessInfo } from './model.js';
import { matchesProgram, type ProgramMatcher } from './services/program.js';

export type SupervisorKind = 'service-manager' | 'process-manager' | 'watcher' | 'container' | 'relay';

export interface Supervision {
  kind: SupervisorKind;
  /** Who, for sentences: "runsv (pid 812)", "the systemd unit nginx.service", "nodemon (pid 77)". */
  by: string;
  /**
   * 'exit': starts it again as soon as it exits. 'change': when a watched file changes.
   * 'policy': if its restart policy says so (a systemd unit's Restart=, Docker's --restart).
   * 'never': nothing starts it again, but stopping it is not what the user wants either (a relay).
   */
  restarts: 'exit' | 'change' | 'policy' | 'never';
  /** The command that does what the user means, ready to paste. */
  stop: string;
  /** The supervising process, when it is one (not a unit or a container). */
  pid: number | null;
}

/** What detection looks at, for the process and each ancestor. */
export type ProcessFacts = Pick<ProcessInfo, 'pid' | 'name' | 'exe' | 'command' | 'argv' | 'cwd'>;

export interface SupervisionInput {
  process: ProcessFacts;
  /** Parent first, up to (not including) pid 1. */
  ancestors: readonly ProcessFacts[];
  /** /proc/PID/cgroup (Linux), or null. */
  cgroup: string | null;
  /** The few environment variables supervisors leave in their children (Linux, when readable). */
  env: ReadonlyMap<string, string>;
  /** Root can run systemctl without sudo. */
  elevated: boolean;
  /** Services by their main process: launchd jobs (macOS), the service manager's (Windows). */
  serviceJobs: readonly ServiceJob[];
}

/** A service whose main process is `pid`: its manager starts it again if its policy says so. */
export interface ServiceJob {
  pid: number;
  /** "Homebrew's postgresql@16 service", "the Windows service MySQL80 (MySQL80)". */
  by: string;
  stop: string;
}

/** A supervision as a plan or a diagnosis states it, for the processes it looks after. */
export interface PlannedSupervision extends Supervision {
  /** The processes it looks after. */
  pids: number[];
  /** The sentence, ending "To stop it for good:"; `stop` follows it (see supervisionText). */
  text: string;
}

/** The environment variables detection reads; nothing else is kept. */
export const SUPERVISOR_ENV_KEYS = ['pm_id', 'SUPERVISOR_PROCESS_NAME', 'SUPERVISOR_GROUP_NAME'] as const;

interface SupervisorProgram extends ProgramMatcher {
  kind: 'process-manager' | 'watcher';
  /** For sentences when the name alone would not say it ("node --watch"). */
  label: string;
  stop(self: ProcessFacts, child: SupervisionInput): string;
}

const killTree = (self: ProcessFacts) => `porthole kill pid:${self.pid} --tree`;

/**
 * Programs that start their child again. Nearest ancestor first wins, so `nodemon` under `pm2`
 * is nodemon's. Process managers restart on exit; watchers on the next saved file.
 */
const SUPERVISORS: readonly SupervisorProgram[] = [
  { kind: 'process-manager', label: 'runsv', program: /^runsv$/, stop: (self) => `sv down ${self.cwd ?? self.argv?.[1] ?? '<service>'}` },
  // A Python script: its name may read "python3", its command line always names the script.
  { kind: 'process-manager', label: 'supervisord', command: /(?:^|[\\/\s])supervisord(?=\s|$)/, stop: (_self, input) => `supervisorctl stop ${supervisordName(input.env)}` },
  // pm2's daemon renames itself "PM2 v5.3.0: God Daemon (/home/me/.pm2)".
  { kind: 'process-manager', label: 'pm2', command: /^PM2 v\S+: God Daemon\b/, stop: (_self, input) => `pm2 stop ${input.env.get('pm_id') ?? '<app>'}` },
  { kind: 'process-manager', label: 's6-supervise', program: /^s6-supervise$/, stop: (self) => `s6-svc -d ${self.cwd ?? self.argv?.[1] ?? '<service>'}` },
  { kind: 'watcher', label: 'nodemon', command: /(?:^|[\\/\s])nodemon(?:\.js|\.cmd)?(?=\s|$)/, stop: killTree },
  { kind: 'watcher', label: 'node --watch', program: /^node$/, command: /\s--watch(?:-path)?(?:=|\s|$)/, stop: killTree },
  { kind: 'watcher', label: 'tsx watch', command: /(?:^|[\\/\s])tsx(?:\.cmd|[\\/]dist[\\/]cli\.m?js)?\s+watch(?=\s|$)/, stop: killTree },
  { kind: 'watcher', label: 'ts-node-dev', command: /(?:^|[\\/\s])(?:ts-node-dev|tsnd)(?:\.js|\.cmd)?(?=\s|$)/, stop: killTree },
  { kind: 'watcher', label: 'cargo watch', command: /(?:^|[\\/\s])cargo(?:-watch|\s+watch)(?=\s|$)/, stop: killTree },
  { kind: 'watcher', label: 'air', program: /^air$/, stop: killTree },
  { kind: 'watcher', label: 'watchexec', program: /^watchexec$/, stop: killTree },
  { kind: 'watcher', label: 'entr', program: /^entr$/, stop: killTree },
  { kind: 'watcher', label: 'uvicorn --reload', command: /(?:^|[\\/\s])uvicorn(?=\s).*\s--reload(?=\s|$)/, stop: killTree },
];

/**
 * Where a person started things by hand. A service manager above one of these (sshd's unit, a
 * terminal's) did not start the process, so its unit is not the one to stop: "systemctl stop
 * ssh.service" would be ruinous advice for a dev server run over SSH.
 */
const SESSION_PROGRAMS: ProgramMatcher = {
  program: /^(sshd|sshd-session|login|su|sudo|doas|tmux.*|screen|mosh-server|gnome-terminal-server|konsole|xterm|uxterm|alacritty|kitty|wezterm-gui|foot|tilix|terminator|xfce4-terminal|lxterminal|st|urxvt|code|code-insiders|codium|cursor|explorer|windowsterminal|openconsole)$/,
};

export function findSupervision(input: SupervisionInput): Supervision | null {
  const relay = dockerRelay(input.process);
  if (relay) return relay;
  const serviceOf = serviceJobOf(input.serviceJobs);
  const own = serviceOf(input.process);
  if (own) return own;
  for (const ancestor of input.ancestors) {
    if (matchesProgram(ancestor, SESSION_PROGRAMS)) break;
    const program = SUPERVISORS.find((s) => matchesProgram(ancestor, s));
    if (program) {
      return {
        kind: program.kind,
        by: `${program.label} (pid ${ancestor.pid})`,
        restarts: program.kind === 'watcher' ? 'change' : 'exit',
        stop: program.stop(ancestor, input),
        pid: ancestor.pid,
      };
    }
    const job = serviceOf(ancestor);
    if (job) return job;
  }
  const place = input.cgroup === null ? null : cgroupPlace(input.cgroup);
  if (place === null) return null;
  if (place.kind === 'container') {
    const cli = place.engine === 'Docker' ? 'docker' : 'podman';
    return { kind: 'container', by: `the ${place.engine} container ${place.id}`, restarts: 'policy', stop: `${cli} stop ${place.id}`, pid: null };
  }
  if (input.ancestors.some((a) => matchesProgram(a, SESSION_PROGRAMS)) || matchesProgram(input.process, SESSION_PROGRAMS)) return null;
  const systemctl = place.kind === 'user-service' ? 'systemctl --user' : input.elevated ? 'systemctl' : 'sudo systemctl';
  return { kind: 'service-manager', by: `the systemd unit ${place.unit}`, restarts: 'policy', stop: `${systemctl} stop ${place.unit}`, pid: null };
}

/** The service a process is the main process of, as a supervision. */
function serviceJobOf(jobs: readonly ServiceJob[]): (proc: ProcessFacts) => Supervision | null {
  const byPid = new Map(jobs.map((job) => [job.pid, job]));
  return (proc) => {
    const job = byPid.get(proc.pid);
    // launchd's KeepAlive restarts at once (after ThrottleInterval, 10 s, for a job that ran less);
    // Windows' recovery options only if set.
    return job ? { kind: 'service-manager', by: job.by, restarts: 'policy', stop: job.stop, pid: null } : null;
  };
}

export type CgroupPlace =
  | { kind: 'system-service' | 'user-service'; unit: string }
  | { kind: 'container'; engine: 'Docker' | 'Podman'; id: string };

/**
 * Where /proc/PID/cgroup puts a process: a systemd service, or a container. A scope (a login
 * session, an app a desktop launched) has no manager that restarts it, so it is no place at all.
 */
export function cgroupPlace(text: string): CgroupPlace | null {
  const paths: string[] = [];
  let systemdPath: string | undefined;
  for (const line of text.split('\n')) {
    // "hierarchy-id:controllers:path"; the path may itself contain ':'.
    const first = line.indexOf(':');
    const second = first < 0 ? -1 : line.indexOf(':', first + 1);
    if (second < 0) continue;
    const controllers = line.slice(first + 1, second);
    const path = line.slice(second + 1).trim();
    if (!path.startsWith('/')) continue;
    paths.push(path);
    // cgroup v2's single line ("0::/..."), or v1's named systemd hierarchy.
    if (controllers === '' || controllers === 'name=systemd') systemdPath ??= path;
  }
  for (const path of paths) {
    if (/(?:^|\/)kubepods/.test(path)) return null; // the kubelet's business: stopping one container is not the advice
    const docker = /(?:\/docker[-/])([0-9a-f]{64})(?:\.scope)?(?:\/|$)/.exec(path);
    if (docker) return { kind: 'container', engine: 'Docker', id: docker[1]!.slice(0, 12) };
    const podman = /\/libpod-([0-9a-f]{64})\.scope(?:\/|$)/.exec(path);
    if (podman) return { kind: 'container', engine: 'Podman', id: podman[1]!.slice(0, 12) };
  }
  if (systemdPath === undefined) return null;
  const segments = systemdPath.split('/').filter(Boolean);
  const last = [...segments].reverse().findIndex((s) => s.endsWith('.service') || s.endsWith('.scope'));
  if (last < 0) return null;
  const index = segments.length - 1 - last;
  const unit = segments[index]!;
  if (unit.endsWith('.scope') || /^user@\d+\.service$/.test(unit)) return null;
  const underUserManager = segments.slice(0, index).some((s) => /^user@\d+\.service$/.test(s));
  return { kind: underUserManager ? 'user-service' : 'system-service', unit };
}

/**
 * docker-proxy publishes a container's port on the host. Stopping it unpublishes the port and
 * leaves the container running, which is rarely what someone freeing the port means.
 */
function dockerRelay(proc: ProcessFacts): Supervision | null {
  if (!matchesProgram(proc, { program: /^docker-proxy$/ })) return null;
  const argv = proc.argv ?? proc.command?.split(/\s+/) ?? [];
  const flag = (name: string) => {
    const i = argv.indexOf(`-${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const hostPort = flag('host-port');
  const inside = flag('container-ip') && flag('container-port') ? ` (${flag('container-ip')}:${flag('container-port')})` : '';
  return {
    kind: 'relay',
    by: `a Docker container${inside}`,
    restarts: 'never',
    stop: hostPort ? `docker stop $(docker ps -q --filter publish=${hostPort})` : 'docker ps, then docker stop <container>',
    pid: null,
  };
}

function supervisordName(env: ReadonlyMap<string, string>): string {
  const name = env.get('SUPERVISOR_PROCESS_NAME');
  if (!name) return '<program>';
  const group = env.get('SUPERVISOR_GROUP_NAME');
  return group && group !== name ? `${group}:${name}` : name;
}

/**
 * The plan's sentence for who restarts which of the processes, and when; it ends by introducing
 * `s.stop` ("To stop it for good:"), which callers print after it, or show apart as code.
 */
/** What a 'policy' supervisor's stop command stops, in systemd's words where it is systemd. */
function policyHolder(s: Supervision): string {
  if (s.kind === 'container') return 'the container';
  return s.by.startsWith('the systemd unit') ? 'the unit' : 'the service';
}

export function supervisionText(s: Supervision, processes: readonly { pid: number; name: string }[]): string {
  const who = processes.map((p) => `${p.name} (pid ${p.pid})`).join(', ');
  const plural = processes.length > 1;
  switch (s.restarts) {
    case 'exit':
      return `${s.by} starts ${who} again as soon as ${plural ? 'they exit' : 'it exits'}. To stop ${plural ? 'them' : 'it'} for good:`;
    case 'change':
      return `${s.by} starts ${who} again when a file changes. To stop both:`;
    case 'policy':
      return `${who} ${plural ? 'run' : 'runs'} in ${s.by}, which starts ${plural ? 'them' : 'it'} again if its restart policy says so. To stop ${policyHolder(s)}:`;
    case 'never':
      return `${who} ${plural ? 'publish' : 'publishes'} the port for ${s.by}: stopping ${plural ? 'them' : 'it'} unpublishes the port and leaves the container running. To stop the container:`;
  }
}
