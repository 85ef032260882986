// Export what the table shows (filtered and sorted) as CSV or JSON.
import type { ProcessInfo, Socket } from '../../main/core/model.js';
import { downloadText, exportFilename, toCsv, toJson } from '../export.js';

export interface ExportMenuProps {
  sockets: readonly Socket[];
  processes: ReadonlyMap<number, ProcessInfo>;
  conflictKeys: ReadonlySet<string>;
  now?: () => number;
  download?: typeof downloadText;
}

export function ExportMenu({ sockets, processes, conflictKeys, now = Date.now, download = downloadText }: ExportMenuProps) {
  const ctx = { processes, conflictKeys };
  return (
    <div className="export" role="group" aria-label="Export the current view">
      <span className="muted small">Export</span>
      <button type="button" onClick={() => download(toCsv(sockets, ctx), exportFilename('csv', now()), 'text/csv')} aria-label="Export CSV">
        CSV
      </button>
      <button type="button" onClick={() => download(toJson(sockets, ctx, now()), exportFilename('json', now()), 'application/json')} aria-label="Export JSON">
        JSON
      </button>
    </div>
  );
}
