// The one filter box. The parent owns the text (it persists it and reacts to "/" and Ctrl/Cmd+F).
import { forwardRef, useId } from 'react';
import { formatCount } from '../format.js';

export interface FilterBarProps {
  value: string;
  onChange: (value: string) => void;
  hints: readonly string[];
  shown: number;
  total: number;
}

export const FilterBar = forwardRef<HTMLInputElement, FilterBarProps>(function FilterBar({ value, onChange, hints, shown, total }, ref) {
  const id = useId();
  const hintId = useId();
  return (
    <div className="filterbar">
      <label htmlFor={id} className="sr-only">
        Filter
      </label>
      <span className="filter-icon" aria-hidden="true">
        ⌕
      </span>
      <input
        id={id}
        ref={ref}
        type="search"
        className="filter-input mono"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder="Filter   port:3000  proc:node  state:listen  udp  v6  conflict  hidden      ( / )"
        spellCheck={false}
        autoComplete="off"
        autoCapitalize="off"
        aria-describedby={hints.length > 0 ? hintId : undefined}
      />
      <span className="filter-count muted">{value.trim() ? `${formatCount(shown)} of ${formatCount(total)}` : ''}</span>
      {/* Announced: the matches alone. The total moves with every poll on a busy machine, and a live
          region reads out each change: "of 21,403" once a second would drown everything else. */}
      <span className="sr-only" aria-live="polite">
        {value.trim() ? `${formatCount(shown)} ${shown === 1 ? 'match' : 'matches'}` : ''}
      </span>
      {hints.length > 0 ? (
        <p id={hintId} className="filter-hint">
          {hints[0]}
        </p>
      ) : null}
    </div>
  );
});
