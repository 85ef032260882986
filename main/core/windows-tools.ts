// Windows' own programs, by absolute path. Windows looks a bare program name up in the current
// folder before PATH, so `porthole kill` run inside a cloned repository (or with a writable folder
// early on PATH) would otherwise run whatever powershell.exe or taskkill.exe that folder holds.

export type WindowsTool = 'powershell' | 'taskkill' | 'tasklist' | 'netstat' | 'whoami';

export function systemRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.SystemRoot ?? env.SYSTEMROOT ?? 'C:\\Windows';
}

export function windowsTool(tool: WindowsTool, env: NodeJS.ProcessEnv = process.env): string {
  const system32 = `${systemRoot(env)}\\System32`;
  return tool === 'powershell' ? `${system32}\\WindowsPowerShell\\v1.0\\powershell.exe` : `${system32}\\${tool}.exe`;
}
