// macOS process details, from three outputs that each have one column that may contain spaces:
//   ps -ww -o pid=,ppid=,uid=,user=,lstart=,comm= -p <pids>   (comm last: the executable path)
//   ps -ww -o pid=,args= -p <pids>                             (args last: the command line)
//   lsof -a -nP -w -d cwd -p <pids> -Fpfn                      (field output, one cwd per process)
// comm and args cannot share one ps call: both may contain spaces, so only the last column can.
// -ww stops ps from cutting lines at 79 columns when stdout is not a terminal.
// lstart is strftime("%c") in the C locale: "Mon Nov 20 10:11:12 2026", day padded with a space,
// in local time. runCommand sets LC_ALL=C so the month and day names are English.
import { emptyRows, skipRow, type RowsOutcome } from './rows.js';

export type { RowsOutcome };

export interface PsRow {
  pid: number;
  ppid: number;
  uid: number;
  user: string;
  /** Epoch ms, local time as ps printed it. null when lstart did not parse. */
  startTime: number | null;
  /** What ps printed for comm: usually the full executable path on macOS. */
  comm: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const PS_ROW =
  /^\s*(\d{1,10})\s+(\d{1,10})\s+(-?\d{1,10})\s+(\S+)\s+([A-Z][a-z]{2})\s+([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})\s+(\d{4})\s+(\S.*)$/;

export function parsePsDarwin(text: string): RowsOutcome<PsRow> {
  const out = emptyRows<PsRow>();
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const m = PS_ROW.exec(line);
    if (!m) {
      skipRow(out, line);
      continue;
    }
    const [, pid, ppid, uid, user, , mon, day, hh, mm, ss, year, comm] = m as unknown as string[];
    out.rows.set(Number(pid), {
      pid: Number(pid),
      ppid: Number(ppid),
      uid: Number(uid),
      user: user as string,
      startTime: localTime(Number(year), mon as string, Number(day), Number(hh), Number(mm), Number(ss)),
      comm: (comm as string).trimEnd(),
    });
  }
  return out;
}

function localTime(year: number, mon: string, day: number, h: number, m: number, s: number): number | null {
  const month = MONTHS.indexOf(mon);
  if (month < 0 || day < 1 || day > 31 || h > 23 || m > 59 || s > 60) return null;
  const t = new Date(year, month, day, h, m, s).getTime();
  return Number.isFinite(t) ? t : null;
}

/** `ps -o pid=,args=`: pid, then the command line as the kernel keeps it (arguments joined by spaces). */
export function parsePsArgs(text: string): RowsOutcome<string> {
  const out = emptyRows<string>();
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const m = /^\s*(\d{1,10})\s(.*)$/.exec(line);
    if (!m) {
      skipRow(out, line);
      continue;
    }
    const args = (m[2] as string).trim();
    if (args !== '') out.rows.set(Number(m[1]), args);
  }
  return out;
}

/** `lsof -d cwd -Fpfn`: p<pid>, f cwd, n<path>. Paths may contain spaces; field output keeps them whole. */
export function parseLsofCwd(text: string): RowsOutcome<string> {
  const out = emptyRows<string>();
  let pid: number | null = null;
  for (const raw of text.split(/[\0\n]/)) {
    const field = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (field === '') continue;
    const tag = field[0];
    const value = field.slice(1);
    if (tag === 'p') {
      pid = /^\d{1,10}$/.test(value) ? Number(value) : null;
      if (pid === null) skipRow(out, field);
    } else if (tag === 'n') {
      if (pid !== null && value.startsWith('/') && !out.rows.has(pid)) out.rows.set(pid, value);
    } else if (tag !== 'f' && tag !== 't' && tag !== 'c' && tag !== 'u' && tag !== 'L') {
      skipRow(out, field);
    }
  }
  return out;
}

/**
 * The program's own name from ps `comm`: the basename of the executable path. A login shell's
 * argv[0] carries a leading '-' ("-zsh"), and ps wraps names it could not read in parentheses.
 */
export function programName(comm: string): string {
  let name = comm.trim();
  if (name.startsWith('(') && name.endsWith(')')) name = name.slice(1, -1);
  const path = name.replace(/\/+$/, '');
  if (path.includes('/')) name = path.slice(path.lastIndexOf('/') + 1) || name;
  if (name.startsWith('-') && name.length > 1) name = name.slice(1);
  return name;
}
