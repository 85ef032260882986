// macOS: launchd runs the servers developers install as services (`brew services start postgresql@16`
// makes the job homebrew.mxcl.postgresql@16) and, with KeepAlive, starts them again the moment they
// exit. `launchctl list` names the job that runs a pid, without root, for the user's own domain.
// Pure: supervision-lookup.ts runs the command.
import type { ServiceJob } from './supervision.js';

export interface LaunchdJob {
  /** null for a job that is loaded but not running ("-"). */
  pid: number | null;
  label: string;
}

/**
 * Parse `launchctl list`: a header, then "PID<TAB>Status<TAB>Label" rows. The status may be a
 * negative signal number ("-9"). Anything else is skipped.
 */
export function parseLaunchctlList(text: string): LaunchdJob[] {
  const jobs: LaunchdJob[] = [];
  for (const line of text.split('\n')) {
    const m = /^(-|\d+)\t(-|-?\d+)\t(\S.*?)\s*$/.exec(line);
    if (!m) continue;
    jobs.push({ pid: m[1] === '-' ? null : Number(m[1]), label: m[3]! });
  }
  return jobs;
}


/** The running jobs that are services, for findSupervision. */
export function launchdServiceJobs(jobs: readonly LaunchdJob[]): ServiceJob[] {
  return jobs.flatMap((job) => {
    const place = job.pid === null ? null : launchdPlace(job);
    return place ? [{ pid: job.pid!, ...place }] : [];
  });
}

export interface LaunchdPlace {
  /** For sentences: "Homebrew's postgresql@16 service", "the launchd job com.example.api". */
  by: string;
  stop: string;
}

/**
 * What to say about a process launchd runs as `job`. Apps the desktop launched ("application.*")
 * are not services: nothing starts them again, so they are no place at all.
 */
export function launchdPlace(job: LaunchdJob): LaunchdPlace | null {
  if (job.label.startsWith('application.')) return null;
  const brew = /^homebrew\.mxcl\.(.+)$/.exec(job.label);
  // brew also takes the plist out of LaunchAgents, so the service stays stopped after a log-in.
  if (brew) return { by: `Homebrew's ${brew[1]} service`, stop: `brew services stop ${brew[1]}` };
  return { by: `the launchd job ${job.label}`, stop: `launchctl remove ${job.label}` };
}
