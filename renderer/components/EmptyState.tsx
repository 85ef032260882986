// What an empty table says depends on why it is empty.
export interface EmptyStateProps {
  loaded: boolean;
  filterText: string;
  /** The one port the filter names, when it names one. */
  port: number | null;
  /** Whether anything at all listens on that port (so ":3000 is free" is true). */
  portHeld: boolean;
  listeningOnly: boolean;
  onClearFilter: () => void;
  onShowAll: () => void;
  /** Runs the port check (usePortCheck) on the filtered port. */
  onCheckPort?: (port: number) => void;
}

export function EmptyState({ loaded, filterText, port, portHeld, listeningOnly, onClearFilter, onShowAll, onCheckPort }: EmptyStateProps) {
  if (!loaded) {
    return (
      <div className="empty" role="status">
        <p>Collecting sockets…</p>
      </div>
    );
  }
  const text = filterText.trim();
  if (text) {
    return (
      <div className="empty" role="status">
        <p>
          No sockets match '{text}'{port !== null && !portHeld ? ` — :${port} is free.` : '.'}
        </p>
        <p>
          <button type="button" className="link-button" onClick={onClearFilter}>
            Clear the filter
          </button>
          {listeningOnly ? (
            <>
              {' or '}
              <button type="button" className="link-button" onClick={onShowAll}>
                include established connections
              </button>
            </>
          ) : null}
        </p>
        {port !== null && onCheckPort ? (
          <p>
            {/* Free in the table is not the whole story: TIME_WAIT, privileged and reserved ports, a hidden holder. */}
            <button type="button" onClick={() => onCheckPort(port)}>
              Can a server bind :{port}?
            </button>
          </p>
        ) : null}
      </div>
    );
  }
  return (
    <div className="empty" role="status">
      <p>{listeningOnly ? 'Nothing listening. Start a dev server and it shows up here.' : 'No sockets at all. That is unusual: is the collector allowed to run?'}</p>
    </div>
  );
}
