// Windows: a UAC prompt, via PowerShell's `Start-Process -Verb RunAs`. An elevated process cannot
// share pipes with a non-elevated parent (UAC starts it through ShellExecute), so the collector
// writes its JSON lines to a file (`--output`) that we tail; see index.ts.
//
// Two PowerShell layers, both passed as -EncodedCommand (base64 of UTF-16LE), so neither Windows'
// command-line quoting nor Start-Process's naive joining of -ArgumentList ever sees a path:
//   outer (not elevated): Start-Process the inner one with RunAs, wait, and pass its exit code on;
//                         a declined prompt becomes exit 1223 (ERROR_CANCELLED).
//   inner (elevated):     set ELECTRON_RUN_AS_NODE and run the collector with psQuote'd arguments.
import { elevationAdvice } from './advice.js';
import { encodePowerShell, psQuote } from './quote.js';
import { ElevationError, type ElevatedCommand, type PlatformElevation, type WrapperExit } from './types.js';
import { windowsTool } from '../windows-tools.js';

export const ERROR_CANCELLED = 1223;

const PS_FLAGS = ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass'];

export function innerScript(cliPath: string, nodePath: string, args: readonly string[]): string {
  for (const a of [cliPath, nodePath, ...args]) {
    // Windows PowerShell 5.1 passes "-containing arguments to programs wrongly; no path has one.
    if (a.includes('"')) throw new ElevationError(`Refusing an argument with a double quote: ${a}`, 'unsupported', elevationAdvice('win32'));
  }
  const argv = [cliPath, ...args].map(psQuote).join(' ');
  return `$env:ELECTRON_RUN_AS_NODE = '1'\n& ${psQuote(nodePath)} ${argv}\nexit $LASTEXITCODE\n`;
}

export function outerScript(inner: string): string {
  const argumentList = [...PS_FLAGS, '-EncodedCommand', encodePowerShell(inner)].map(psQuote).join(',');
  return [
    "$ErrorActionPreference = 'Stop'",
    'try {',
    `  $p = Start-Process -FilePath (Join-Path $PSHOME 'powershell.exe') -Verb RunAs -WindowStyle Hidden -PassThru -Wait -ArgumentList ${argumentList}`,
    '} catch {',
    '  $e = $_.Exception',
    `  while ($e) { if ($e -is [System.ComponentModel.Win32Exception] -and $e.NativeErrorCode -eq ${ERROR_CANCELLED}) { exit ${ERROR_CANCELLED} }; $e = $e.InnerException }`,
    `  if ("$_" -match 'cancel') { exit ${ERROR_CANCELLED} }`,
    '  [Console]::Error.WriteLine("$_")',
    '  exit 1',
    '}',
    'exit $p.ExitCode',
    '',
  ].join('\n');
}

export function elevatedCommand(cliPath: string, nodePath: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): ElevatedCommand {
  // An absolute PowerShell: a writable folder early on PATH must not choose what we run.
  return {
    command: windowsTool('powershell', env),
    args: [...PS_FLAGS, '-EncodedCommand', encodePowerShell(outerScript(innerScript(cliPath, nodePath, args)))],
  };
}

export function explainExit(exit: WrapperExit): ElevationError | null {
  if (exit.code === ERROR_CANCELLED) return new ElevationError('Elevation was declined.', 'declined', elevationAdvice('win32'));
  return null;
}

export function explainSpawnError(error: NodeJS.ErrnoException): ElevationError {
  const what = error.code === 'ENOENT' ? 'Windows PowerShell is missing' : `could not start PowerShell: ${error.message}`;
  return new ElevationError(`Elevation is not available (${what}).`, 'missing-tool', elevationAdvice('win32'));
}

export const win32Elevation: PlatformElevation = {
  elevatedCommand: (cli, node, args) => elevatedCommand(cli, node, args),
  explainExit,
  explainSpawnError,
};
