// One socket as one ARIA row. Memoised: unchanged sockets keep their object across deltas, so a
// delta re-renders only the rows it touched (plus rows whose position moved).
import { memo } from 'react';
import type { ProcessInfo, Socket } from '../../../main/core/model.js';
import { isListening } from '../../../main/core/model.js';
import { localEndpoint, protocolLabel, remoteEndpoint } from '../../format.js';
import { EXPOSURE_TEXT, exposure } from '../../net.js';
import type { RowMark } from '../../state/types.js';

export interface SocketRowProps {
  socket: Socket;
  id: string;
  index: number;
  start: number;
  mark: RowMark | undefined;
  selected: boolean;
  process: ProcessInfo | undefined;
  conflict: boolean;
  onPick: (key: string) => void;
}

export const SocketRow = memo(function SocketRow({ socket: s, id, index, start, mark, selected, process, conflict, onPick }: SocketRowProps) {
  const className = ['row', mark, selected ? 'selected' : null].filter(Boolean).join(' ');
  return (
    <div
      role="row"
      id={id}
      aria-rowindex={index + 2}
      aria-selected={selected}
      className={className}
      data-key={s.key}
      style={{ transform: `translateY(${start}px)` }}
      onClick={() => onPick(s.key)}
    >
      <RowCells socket={s} mark={mark} process={process} conflict={conflict} />
    </div>
  );
});

// The cells don't depend on the row's position: a row that only moved (rows inserted above it)
// re-renders its wrapper, not its cells.
const RowCells = memo(function RowCells({
  socket: s,
  mark,
  process,
  conflict,
}: {
  socket: Socket;
  mark: RowMark | undefined;
  process: ProcessInfo | undefined;
  conflict: boolean;
}) {
  return (
    <>
      <div role="gridcell" className="c-protocol">
        {protocolLabel(s)}
      </div>
      <div role="gridcell" className="c-local mono" title={localEndpoint(s)}>
        {localEndpoint(s)}
      </div>
      <div role="gridcell" className="c-remote mono" title={remoteEndpoint(s)}>
        {remoteEndpoint(s) || <span className="muted">—</span>}
      </div>
      <div role="gridcell" className={`c-state state-${s.state.toLowerCase()}`}>
        {s.state}
        {mark === 'closing' ? <span className="sr-only"> (closed)</span> : null}
        {mark === 'fresh' ? <span className="sr-only"> (new)</span> : null}
      </div>
      <div role="gridcell" className="c-process">
        <ProcessCell socket={s} process={process} />
      </div>
      <div role="gridcell" className="c-service" title={s.service?.description ?? s.service?.name}>
        {s.service?.name ?? ''}
      </div>
      <div role="gridcell" className="c-flags">
        <Flags socket={s} conflict={conflict} />
      </div>
    </>
  );
});

function ProcessCell({ socket: s, process }: { socket: Socket; process: ProcessInfo | undefined }) {
  if (s.owner === 'hidden') {
    return (
      <span className="owner-hidden" title={s.hiddenReason}>
        hidden
      </span>
    );
  }
  const pid = s.pids[0];
  if (pid === undefined) return <span className="muted">no process</span>;
  const extra = s.pids.length > 1 ? ` +${s.pids.length - 1}` : '';
  return (
    <>
      <span className="pname" title={process?.name}>
        {process?.name ?? 'unknown'}
      </span>{' '}
      <span className="pid">{pid}{extra}</span>
    </>
  );
}

function Flags({ socket: s, conflict }: { socket: Socket; conflict: boolean }) {
  const exp = isListening(s) ? exposure(s) : null;
  return (
    <>
      {conflict ? <Flag className="flag-conflict" icon="⚠" text="conflict" /> : null}
      {s.owner === 'hidden' ? <Flag className="flag-hidden" icon="hidden" text="owner hidden" /> : null}
      {exp ? <Flag className={`flag-${exp}`} icon={exp === 'network' ? 'net' : 'local'} text={EXPOSURE_TEXT[exp]} /> : null}
    </>
  );
}

function Flag({ className, icon, text }: { className: string; icon: string; text: string }) {
  return (
    <span className={`flag ${className}`} title={text}>
      <span aria-hidden="true">{icon}</span>
      <span className="sr-only">{text}</span>
    </span>
  );
}
