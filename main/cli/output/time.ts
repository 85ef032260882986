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

const twoDigits = (n: number): string => String(n).padStart(2, '0');

/**
 * "2026-11-21 09:05:03" in local time. Hand-built rather than toLocaleString: the first Intl call of
 * a process loads ICU's locale data (~18 ms here, a third of what `porthole PORT` took on top of
 * Node's own start). One fixed, sortable shape also reads the same on every machine.
 */
export function localDateTime(epochMs: number): string {
  const d = new Date(epochMs);
  return `${d.getFullYear()}-${twoDigits(d.getMonth() + 1)}-${twoDigits(d.getDate())} ${localTime(epochMs)}`;
}

/** "09:05:03" in local time, for a stream of events (same reason as localDateTime). */
export function localTime(epochMs: number): string {
  const d = new Date(epochMs);
  return `${twoDigits(d.getHours())}:${twoDigits(d.getMinutes())}:${twoDigits(d.getSeconds())}`;
}
