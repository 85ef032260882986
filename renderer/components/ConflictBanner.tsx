// Port conflicts in one place, each with its one-sentence reason; a click narrows the table to it.
import type { Conflict } from '../../main/core/model.js';

export function ConflictBanner({ conflicts, onPick }: { conflicts: readonly Conflict[]; onPick: (c: Conflict) => void }) {
  const warnings = conflicts.filter((c) => c.severity === 'warning');
  const shared = conflicts.filter((c) => c.severity !== 'warning');
  if (conflicts.length === 0) return null;
  return (
    <section className={`banner ${warnings.length > 0 ? 'banner-warning' : 'banner-info'}`} aria-label="Conflicts">
      {warnings.length > 0 ? (
        <>
          <strong>
            ⚠ {warnings.length} port {warnings.length === 1 ? 'conflict' : 'conflicts'}
          </strong>
          <ul className="conflict-list">
            {warnings.map((c) => (
              <ConflictItem key={c.id} conflict={c} onPick={onPick} />
            ))}
          </ul>
        </>
      ) : null}
      {shared.length > 0 ? (
        <details className="shared">
          <summary>
            {shared.length} {shared.length === 1 ? 'socket is' : 'sockets are'} shared by several processes (usually intended)
          </summary>
          <ul className="conflict-list">
            {shared.map((c) => (
              <ConflictItem key={c.id} conflict={c} onPick={onPick} />
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}

function ConflictItem({ conflict: c, onPick }: { conflict: Conflict; onPick: (c: Conflict) => void }) {
  return (
    <li>
      <button type="button" className="link-button mono" onClick={() => onPick(c)} aria-label={`Show conflict on port ${c.port}`}>
        {c.protocol}:{c.port}
      </button>{' '}
      {c.reason}
    </li>
  );
}
