// The top bar: counts (each one a shortcut to the matching filter), traffic, export, pause.
import type { ReactNode } from 'react';
import { formatCount } from '../format.js';
import type { Counts } from '../state/counts.js';

export type CountKey = 'listening' | 'established' | 'udp' | 'conflicts' | 'hidden';

export interface HeaderProps {
  counts: Counts;
  paused: boolean;
  onTogglePause: () => void;
  onCount: (key: CountKey) => void;
  traffic: ReactNode;
  exportMenu: ReactNode;
}

const COUNT_LABELS: [CountKey, (n: number) => string][] = [
  ['listening', () => 'listening'],
  ['established', () => 'established'],
  ['udp', () => 'UDP'],
  ['conflicts', (n) => (n === 1 ? 'conflict' : 'conflicts')],
  ['hidden', (n) => (n === 1 ? 'owner hidden' : 'owners hidden')],
];

/** What a click on each count narrows the table to. */
const COUNT_TITLES: Record<CountKey, string> = {
  listening: 'Show listening sockets',
  established: 'Show established connections',
  udp: 'Show UDP sockets',
  conflicts: 'Show sockets in conflict',
  hidden: 'Show sockets whose owner is hidden',
};

export function Header({ counts, paused, onTogglePause, onCount, traffic, exportMenu }: HeaderProps) {
  return (
    <header className="topbar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          ◎
        </span>
        Porthole
      </div>
      <ul className="counts" aria-label="Counts">
        {COUNT_LABELS.map(([key, label]) => (
          <li key={key}>
            <button
              type="button"
              className={`count count-${key}${(key === 'conflicts' || key === 'hidden') && counts[key] > 0 ? ' alert' : ''}`}
              onClick={() => onCount(key)}
              title={COUNT_TITLES[key]}
            >
              <strong>{formatCount(counts[key])}</strong> {label(counts[key])}
            </button>
          </li>
        ))}
      </ul>
      <div className="topbar-right">
        {traffic}
        {exportMenu}
        <button type="button" className={`pause${paused ? ' paused' : ''}`} aria-pressed={paused} onClick={onTogglePause}>
          <span aria-hidden="true">{paused ? '▶' : '‖'}</span> {paused ? 'Resume' : 'Pause'}
        </button>
      </div>
    </header>
  );
}
