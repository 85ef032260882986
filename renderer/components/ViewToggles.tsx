// "Listening | All" and "Group by process": the two view switches, both remembered in settings.
import { useRef } from 'react';

export interface ViewTogglesProps {
  listeningOnly: boolean;
  onListeningOnly: (v: boolean) => void;
  groupByProcess: boolean;
  onGroupByProcess: (v: boolean) => void;
}

export function ViewToggles({ listeningOnly, onListeningOnly, groupByProcess, onGroupByProcess }: ViewTogglesProps) {
  const listeningRef = useRef<HTMLButtonElement>(null);
  const allRef = useRef<HTMLButtonElement>(null);
  return (
    <div className="view-toggles">
      <div
        className="segmented"
        role="radiogroup"
        aria-label="Show"
        onKeyDown={(e) => {
          if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
            e.preventDefault();
            onListeningOnly(e.key === 'ArrowLeft');
            // Focus goes with the choice, as in any radio group: it must not stay on the one just unchecked.
            (e.key === 'ArrowLeft' ? listeningRef : allRef).current?.focus();
          }
        }}
      >
        <button ref={listeningRef} type="button" role="radio" aria-checked={listeningOnly} tabIndex={listeningOnly ? 0 : -1} onClick={() => onListeningOnly(true)}>
          Listening
        </button>
        <button ref={allRef} type="button" role="radio" aria-checked={!listeningOnly} tabIndex={listeningOnly ? -1 : 0} onClick={() => onListeningOnly(false)}>
          All
        </button>
      </div>
      <button type="button" className="toggle" aria-pressed={groupByProcess} onClick={() => onGroupByProcess(!groupByProcess)}>
        Group by process
      </button>
    </div>
  );
}
