/** "3m ago", "2h ago", "5d ago": how long a process has been running, at a glance. */
export function ago(epochMs: number, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - epochMs) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes}m ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours}h ago`;
  return `${Math.round(hours / 24)}d ago`;
}

/** "250 ms", "1 s", "2.5 s": a polling interval as people say it. */
export function intervalText(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${ms / 1000} s`;
}
