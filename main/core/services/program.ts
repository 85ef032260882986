// Recognising a program from what the OS tells us about a process. The same program shows up under
// several spellings ("postgres", "postgres.exe", "/usr/lib/postgresql/16/bin/postgres", a renamed
// process title), so every matcher is tried against all of them.
import type { ProcessInfo } from '../model.js';

export interface ProgramMatcher {
  /** Tested against each program name: lower case, directory and ".exe" dropped. */
  program?: RegExp;
  /** Tested against the full command line, as the process reports it. */
  command?: RegExp;
}

type ProcessLike = Pick<ProcessInfo, 'name' | 'exe' | 'command' | 'argv'>;

export function baseName(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return path
    .slice(cut + 1)
    .toLowerCase()
    .replace(/\.exe$/, '');
}

/** The process's name, exe and argv[0], normalised and without duplicates. */
export function programNames(proc: ProcessLike): string[] {
  const names = new Set<string>();
  // The name is not a path, but process titles on Windows and lsof can still carry ".exe".
  if (proc.name) names.add(baseName(proc.name));
  if (proc.exe) names.add(baseName(proc.exe));
  const argv0 = proc.argv?.[0];
  if (argv0) names.add(baseName(argv0));
  names.delete('');
  return [...names];
}

/** What matchers look at, worked out once per process rather than once per matcher. */
export interface ProgramView {
  names: readonly string[];
  command: string;
}

const views = new WeakMap<object, ProgramView>();

export function programView(proc: ProcessLike): ProgramView {
  let view = views.get(proc);
  if (!view) {
    view = { names: programNames(proc), command: proc.command ?? proc.argv?.join(' ') ?? '' };
    views.set(proc, view);
  }
  return view;
}

/** Both parts must match when both are given; a matcher with neither matches nothing. */
export function matchesProgram(proc: ProcessLike | ProgramView, matcher: ProgramMatcher): boolean {
  if (!matcher.program && !matcher.command) return false;
  const view = 'names' in proc ? proc : programView(proc);
  if (matcher.program) {
    const re = matcher.program;
    if (!view.names.some((n) => re.test(n))) return false;
  }
  return !matcher.command || matcher.command.test(view.command);
}

/**
 * A command-line pattern for a tool run as a script or binary: "vite", "npx vite",
 * "node node_modules/vite/bin/vite.js", "C:\app\node_modules\.bin\vite.cmd". It must be a whole
 * path segment, so a project folder called "vite-demo" does not count.
 */
export function tool(name: string, after = ''): RegExp {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?:^|[\\\\/\\s])${escaped}(?:\\.[cm]?js|\\.cmd|\\.exe)?(?=\\s|$)${after}`, 'i');
}

/** Display name of a process for sentences: its name, else its exe's base name. */
export function displayName(proc: Pick<ProcessInfo, 'name' | 'exe'>): string {
  if (proc.name) return proc.name;
  return proc.exe ? baseName(proc.exe) : '';
}
