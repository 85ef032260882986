// Port conflicts in one place, each with its one-sentence reason; a click narrows the table to it.
import type { Conflict } from '../../main/core/model.js';

export function ConflictBanner({ conflicts, onPick }: { conflicts: readonly Conflict[]; onPick: (c: Conflict) => void }) {
  const warnings = conflicts.filter((c) => c.severity === 'warning');
  const notes = conflicts.filter((c) => c.severity !== 'warning');
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
      {notes.length > 0 ? (
        <details className="shared">
          <summary>{notesSummary(notes)}</summary>
          <ul className="conflict-list">
            {notes.map((c) => (
              <ConflictItem key={c.id} conflict={c} onPick={onPick} />
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}

const NOTE_SUMMARY: Record<Conflict['kind'], (n: number) => string> = {
  'shared-socket': (n) => `${n} ${n === 1 ? 'socket is' : 'sockets are'} shared by several processes (usually intended)`,
  'watched-taken': (n) => `${n} watched ${n === 1 ? 'port is' : 'ports are'} taken`,
  // Only relayed ports are notes: a container, VM or tunnel answers for the expected service.
  'unexpected-owner': (n) => `${n} well-known ${n === 1 ? 'port is' : 'ports are'} relayed from a container, VM or tunnel`,
  'address-overlap': (n) => `${n} address ${n === 1 ? 'overlap' : 'overlaps'}`,
  'dual-stack-split': (n) => `${n} IPv4/IPv6 ${n === 1 ? 'split' : 'splits'}`,
};

/** "1 watched port is taken · 2 sockets are shared by several processes (usually intended)" */
function notesSummary(notes: readonly Conflict[]): string {
  const byKind = new Map<Conflict['kind'], number>();
  for (const c of notes) byKind.set(c.kind, (byKind.get(c.kind) ?? 0) + 1);
  return [...byKind].map(([kind, n]) => NOTE_SUMMARY[kind](n)).join(' · ');
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
