// The bottom line: how much there is, where it came from, how fresh it is.
import type { MonitorStatus } from '../../main/core/contract.js';
import type { CollectionIssue, CollectorName } from '../../main/core/model.js';
import { clockTime, formatCount } from '../format.js';

export interface StatusBarProps {
  total: number;
  processes: number;
  collector: CollectorName | null;
  takenAt: number | null;
  elevated: boolean;
  issues: CollectionIssue;
  status: MonitorStatus | null;
  paused: boolean;
}

export function StatusBar({ total, processes, collector, takenAt, elevated, issues, status, paused }: StatusBarProps) {
  const parts: string[] = [`${formatCount(total)} sockets`, `${formatCount(processes)} processes`];
  if (collector) parts.push(`via ${collector}`);
  if (takenAt !== null) parts.push(`updated ${clockTime(takenAt)}`);
  if (status) parts.push(`every ${status.intervalMs >= 1000 ? `${status.intervalMs / 1000} s` : `${status.intervalMs} ms`}`);
  const warnings = issues.warnings.length + (issues.skippedLines > 0 ? 1 : 0);
  return (
    <footer className="statusbar">
      <span>{parts.join(' · ')}</span>
      {paused ? <span className="status-paused">Paused: the view is frozen</span> : null}
      {status?.idle ? <span className="muted">idle</span> : null}
      {!elevated && collector ? <span className="muted">not elevated</span> : null}
      {warnings > 0 ? (
        <span className="status-warn" title={[...issues.warnings, issues.skippedLines > 0 ? `${issues.skippedLines} lines of tool output skipped` : ''].filter(Boolean).join('\n')}>
          {warnings} collector {warnings === 1 ? 'warning' : 'warnings'}
        </span>
      ) : null}
    </footer>
  );
}
