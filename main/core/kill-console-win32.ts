// Send Ctrl+C to a Windows console program, through a PowerShell helper that attaches to its
// console. Which consoles are safe to send to is kill-console.ts's decision; this file runs the
// helper and holds it at READY until that decision is made, so that the console's members are
// read a moment before the Ctrl+C, not a PowerShell start-up (~1 s) before.
//
// Node cannot do this itself: it has no FFI, and the Win32 calls (FreeConsole, AttachConsole,
// GetConsoleProcessList, GenerateConsoleCtrlEvent) must come from a process that can leave its own
// console first, or the Ctrl+C would reach Porthole's terminal too.
import { spawn } from 'node:child_process';
import { encodePowerShell } from './elevate/quote.js';
import { CIM_ROW } from './identity-win32.js';
import { ctrlCHow, judgeConsole, parseConsoleHelper, type ConsoleTarget, type ConsoleVerdict } from './kill-console.js';
import { windowsTool } from './windows-tools.js';

export type ConsoleCtrlCResult =
  /** The Ctrl+C went out; `how` names it for the kill report. */
  | { kind: 'sent'; how: string }
  /** The helper ran, and the verdict was not to send (see ConsoleVerdict's reasons). */
  | { kind: 'declined'; verdict: Extract<ConsoleVerdict, { send: false }> }
  /** The helper could not run or answer (no PowerShell, a policy that blocks Add-Type, a timeout). */
  | { kind: 'failed'; message: string };

export interface ConsoleHelperCommand {
  command: string;
  args: string[];
}

export interface CtrlCOptions {
  /** Another helper speaking the same lines (tests run one where PowerShell cannot). */
  helper?: ConsoleHelperCommand;
  /** Add-Type compiles C# on first use: allow for a slow, busy machine. */
  timeoutMs?: number;
  /** Porthole's own pid (see judgeConsole); process.pid by default. */
  selfPid?: number;
}

/** Ask the target to stop the way a Ctrl+C typed in its console would, if that is safe. */
export function ctrlCThroughConsole(target: ConsoleTarget, options: CtrlCOptions = {}): Promise<ConsoleCtrlCResult> {
  const helper = options.helper ?? powershellHelper(target.pid);
  const timeoutMs = options.timeoutMs ?? 20_000;
  return new Promise((resolve) => {
    let out = '';
    let err = '';
    let verdict: ConsoleVerdict | undefined;
    let done = false;
    const child = spawn(helper.command, helper.args, { windowsHide: true, stdio: ['pipe', 'pipe', 'pipe'] });
    // Decoded as a stream: a name's multibyte character may be split across two chunks.
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    const finish = (result: ConsoleCtrlCResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill();
      resolve(result);
    };
    const timer = setTimeout(() => {
      // Told NO, a helper that lingers has still sent nothing: the verdict stands.
      if (verdict?.send === false) finish({ kind: 'declined', verdict });
      else finish({ kind: 'failed', message: `the console helper did not answer within ${timeoutMs} ms` });
    }, timeoutMs);
    // A helper that exits before reading GO closes its stdin: that write error is the exit's to report.
    child.stdin.on('error', () => undefined);
    child.on('error', (error) => finish({ kind: 'failed', message: `could not start ${helper.command}: ${error.message}` }));
    child.stderr.on('data', (chunk: string) => {
      if (err.length < 4096) err += chunk;
    });
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      // Decide on whole lines only: "NOCONSOLE 5" must not be read before its last digit arrives.
      if (verdict !== undefined || !/^(READY|NOCONSOLE\b[^\r\n]*)\r?\n/m.test(out)) return;
      const report = parseConsoleHelper(out);
      verdict = judgeConsole(target, report, options.selfPid ?? process.pid);
      // Either answer ends the helper: after NO it exits without sending anything.
      child.stdin.end(verdict.send ? 'GO\n' : 'NO\n');
    });
    child.on('close', (code) => {
      const report = parseConsoleHelper(out);
      if (verdict?.send === false) return finish({ kind: 'declined', verdict });
      if (verdict?.send) {
        if (report.sent?.ok) return finish({ kind: 'sent', how: ctrlCHow(target, verdict.peers) });
        const error = report.sent?.ok === false && report.sent.error !== null ? ` (Windows error ${report.sent.error})` : '';
        return finish({ kind: 'failed', message: `Windows refused to generate the Ctrl+C${error}` });
      }
      const why = powershellError(err) ?? `it exited with code ${String(code)} before it was ready`;
      finish({ kind: 'failed', message: `the console helper failed: ${why}` });
    });
  });
}

/**
 * The first line of what PowerShell printed on stderr. Started by another program, it may write its
 * errors as CLIXML ("#< CLIXML" then <S S="Error">...</S> elements, line breaks as _x000D__x000A_).
 */
export function powershellError(stderr: string): string | undefined {
  let text = stderr;
  if (text.trimStart().startsWith('#< CLIXML')) {
    const errors = [...text.matchAll(/<S S="Error">([^<]*)<\/S>/g)].map((m) => m[1]!);
    text = errors
      .join('')
      .replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
      .replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]!);
  }
  return text.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '');
}

function powershellHelper(pid: number): ConsoleHelperCommand {
  return { command: windowsTool('powershell'), args: ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand', encodePowerShell(helperScript(pid))] };
}

/** The helper, for one pid (a number the caller has checked: nothing else is spliced in). */
export function helperScript(pid: number): string {
  if (!Number.isSafeInteger(pid) || pid <= 1) throw new RangeError(`not a pid: ${String(pid)}`);
  return `$ErrorActionPreference = 'Stop'
# The pipes Node gave us, opened while this process still has its own console: attaching to
# another may point the standard handles at that console, and its keyboard is not ours to read.
$out = New-Object System.IO.StreamWriter([Console]::OpenStandardOutput())
$out.AutoFlush = $true
$in = New-Object System.IO.StreamReader([Console]::OpenStandardInput())
Add-Type -Namespace Porthole -Name ConsoleCtrl -MemberDefinition @'
[DllImport("kernel32.dll", SetLastError = true)] static extern bool FreeConsole();
[DllImport("kernel32.dll", SetLastError = true)] static extern bool AttachConsole(uint processId);
[DllImport("kernel32.dll", SetLastError = true)] static extern uint GetConsoleProcessList(uint[] processIds, uint count);
[DllImport("kernel32.dll", SetLastError = true)] static extern bool SetConsoleCtrlHandler(IntPtr handler, bool add);
[DllImport("kernel32.dll", SetLastError = true)] static extern bool GenerateConsoleCtrlEvent(uint ctrlEvent, uint processGroupId);
// Each error is read right after its own call: PowerShell makes calls of its own in between.
public static void Leave() { FreeConsole(); }
public static int Attach(uint processId) { return AttachConsole(processId) ? 0 : Marshal.GetLastWin32Error(); }
public static void IgnoreCtrlC() { SetConsoleCtrlHandler(IntPtr.Zero, true); }
public static uint[] Members() {
  uint[] ids = new uint[4096];
  uint n = GetConsoleProcessList(ids, (uint)ids.Length);
  if (n == 0 || n > ids.Length) return new uint[0];
  uint[] members = new uint[n];
  Array.Copy(ids, members, (int)n);
  return members;
}
public static int CtrlC() { return GenerateConsoleCtrlEvent(0, 0) ? 0 : Marshal.GetLastWin32Error(); }
'@
$out.WriteLine("SELF $PID")
Get-CimInstance Win32_Process | ForEach-Object { $out.WriteLine((${CIM_ROW})) }
[Porthole.ConsoleCtrl]::Leave()
$attached = [Porthole.ConsoleCtrl]::Attach(${pid})
if ($attached -ne 0) {
  $out.WriteLine("NOCONSOLE $attached")
  exit 0
}
# From here on this process is on the target's console: it leaves before every exit, so that
# nothing PowerShell does on its way out touches that console.
# The Ctrl+C reaches every process on the console, this one included: ignore it here (attaching
# reset this process's handlers).
[Porthole.ConsoleCtrl]::IgnoreCtrlC()
$members = [Porthole.ConsoleCtrl]::Members()
if ($members.Length -eq 0) {
  $out.WriteLine('NOCONSOLE')
  [Porthole.ConsoleCtrl]::Leave()
  exit 0
}
$out.WriteLine("CONSOLE " + ($members -join ' '))
$out.WriteLine('READY')
if ($in.ReadLine() -eq 'GO') {
  $sent = [Porthole.ConsoleCtrl]::CtrlC()
  if ($sent -eq 0) { $out.WriteLine('SENT') } else { $out.WriteLine("NOTSENT $sent") }
}
[Porthole.ConsoleCtrl]::Leave()
exit 0
`;
}
