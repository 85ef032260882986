// The socket table's columns as react-table definitions. react-table owns the header model and the
// sort state machine (click/Enter toggles, aria-sort); the rows are drawn by SocketRow from the
// store's already-sorted view (see state/sort.ts for why the order is not react-table's).
import { createColumnHelper, rowSortingFeature, tableFeatures } from '@tanstack/react-table';
import type { Socket } from '../../../main/core/model.js';
import type { ColumnId } from '../../state/sort.js';

export const tableFeatureSet = tableFeatures({ rowSortingFeature });

const helper = createColumnHelper<typeof tableFeatureSet, Socket>();

export const COLUMN_LABELS: Record<ColumnId, string> = {
  protocol: 'Proto',
  local: 'Local address',
  remote: 'Remote address',
  state: 'State',
  process: 'Process',
  service: 'Service',
  flags: 'Flags',
};

// Accessors return the primary sort value; react-table reads them only to decide a first direction.
export const COLUMNS = helper.columns([
  helper.accessor((s) => `${s.protocol}${s.family}`, { id: 'protocol', header: COLUMN_LABELS.protocol }),
  helper.accessor((s) => s.localPort, { id: 'local', header: COLUMN_LABELS.local }),
  helper.accessor((s) => s.remoteAddress ?? '', { id: 'remote', header: COLUMN_LABELS.remote }),
  helper.accessor((s) => s.state, { id: 'state', header: COLUMN_LABELS.state }),
  helper.accessor((s) => s.pids[0] ?? 0, { id: 'process', header: COLUMN_LABELS.process }),
  helper.accessor((s) => s.service?.name ?? '', { id: 'service', header: COLUMN_LABELS.service }),
  helper.accessor((s) => s.owner, { id: 'flags', header: COLUMN_LABELS.flags }),
]);
