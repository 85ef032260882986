// Everything about the selected socket and its owner: who, what it runs, where, since when, what
// else it holds, why it is flagged, and what can be done (kill, open, copy).
import { openLocalUrl } from '../open-url.js';
import { useEffect, useId, useMemo, useState } from 'react';
import type { Conflict, ProcessInfo, Socket } from '../../main/core/model.js';
import { isListening } from '../../main/core/model.js';
import { useApi } from '../api-context.js';
import { localEndpoint, ownerLabel, protocolLabel, relativeTime, remoteEndpoint, socketLine } from '../format.js';
import { killTargetFor, whyNoKill, type KillRequestInput } from '../kill/target.js';
import { EXPOSURE_TEXT, exposure } from '../net.js';

export interface DetailsPaneProps {
  socket: Socket;
  closing: boolean;
  sockets: readonly Socket[];
  processes: ReadonlyMap<number, ProcessInfo>;
  conflicts: readonly Conflict[];
  onSelect: (key: string) => void;
  onClose: () => void;
  onKill: (req: KillRequestInput) => void;
  /** Runs the port check (usePortCheck) on this socket's local port. */
  onCheckPort?: (port: number) => void;
  now?: () => number;
}

const MAX_OTHER_SOCKETS = 50;

export function DetailsPane({ socket: s, closing, sockets, processes, conflicts, onSelect, onClose, onKill, onCheckPort, now = Date.now }: DetailsPaneProps) {
  const api = useApi();
  const headingId = useId();
  const proc = s.pids.length > 0 ? processes.get(s.pids[0]!) : undefined;
  const others = useMemo(() => (s.pids.length > 0 ? otherSockets(sockets, s) : []), [sockets, s]);
  const mine = conflicts.filter((c) => c.socketKeys.includes(s.key));
  const kill = killTargetFor(s, proc?.name);
  const listeningTcp = s.protocol === 'tcp' && s.state === 'LISTEN';
  const url = `http://localhost:${s.localPort}/`;

  return (
    <aside className="details" aria-labelledby={headingId}>
      <header className="details-head">
        <h2 id={headingId}>
          <span className="mono">{localEndpoint(s)}</span> <span className="muted">{protocolLabel(s)}</span>
        </h2>
        <button type="button" className="icon-button" aria-label="Close details" onClick={onClose}>
          ×
        </button>
      </header>
      {closing ? <p className="closing-note">This socket has just closed.</p> : null}

      <section aria-label="Actions" className="details-actions">
        <button type="button" className="danger" disabled={!kill || closing} title={kill ? undefined : `Nothing to kill: ${whyNoKill(s)}`} onClick={() => kill && onKill(kill)}>
          Kill
        </button>
        {listeningTcp ? (
          <button type="button" onClick={() => void openLocalUrl(api, url)}>
            Open in browser
          </button>
        ) : null}
        {onCheckPort && isListening(s) ? (
          <button type="button" onClick={() => onCheckPort(s.localPort)}>
            Can a server bind :{s.localPort}?
          </button>
        ) : null}
        <CopyButton label="Copy" text={socketLine(s, processes)} />
        {proc?.command ? <CopyButton label="Copy command line" text={proc.command} /> : null}
      </section>

      <dl className="facts">
        <dt>State</dt>
        <dd>{s.state}</dd>
        {s.remoteAddress !== null ? (
          <>
            <dt>Remote</dt>
            <dd className="mono">{remoteEndpoint(s)}</dd>
          </>
        ) : null}
        {isListening(s) ? (
          <>
            <dt>Reach</dt>
            <dd>{EXPOSURE_TEXT[exposure(s)]}</dd>
          </>
        ) : null}
        <dt>Service</dt>
        <dd>{s.service ? `${s.service.name}${s.service.description ? ` — ${s.service.description}` : ''} (${serviceSource(s.service.source)})` : 'not a well-known port'}</dd>
      </dl>

      {mine.length > 0 ? (
        <section className="details-conflicts" aria-label="Conflicts">
          <h3>{mine.some((c) => c.severity === 'warning') ? '⚠ Conflict' : 'Notes'}</h3>
          <ul>
            {mine.map((c) => (
              <li key={c.id}>{c.reason}</li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-label="Owner">
        <h3>Owner</h3>
        <OwnerFacts socket={s} proc={proc} processes={processes} now={now()} />
      </section>

      {others.length > 0 ? (
        <section aria-label="Other sockets of this process">
          <h3>
            Other sockets of {proc?.name ?? 'this process'} ({others.length})
          </h3>
          <ul className="other-sockets">
            {others.slice(0, MAX_OTHER_SOCKETS).map((o) => (
              <li key={o.key}>
                <button type="button" className="link-button mono" onClick={() => onSelect(o.key)}>
                  {protocolLabel(o)} {localEndpoint(o)}
                  {o.remoteAddress !== null ? ` → ${remoteEndpoint(o)}` : ''} {o.state}
                </button>
              </li>
            ))}
          </ul>
          {others.length > MAX_OTHER_SOCKETS ? <p className="muted small">and {others.length - MAX_OTHER_SOCKETS} more (filter pid:{s.pids[0]})</p> : null}
        </section>
      ) : null}
    </aside>
  );
}

function OwnerFacts({ socket: s, proc, processes, now }: { socket: Socket; proc: ProcessInfo | undefined; processes: ReadonlyMap<number, ProcessInfo>; now: number }) {
  if (s.owner === 'hidden') {
    return <p className="hidden-reason">The OS hides this socket's owner. {s.hiddenReason ?? ''}</p>;
  }
  if (s.pids.length === 0) return <p className="muted">No process holds this socket: the kernel keeps it (for example while in TIME_WAIT).</p>;
  if (!proc) return <p>{ownerLabel(s, processes)}</p>;
  // A parent that holds no socket is not in the snapshot; Linux still names it.
  const parentName = proc.ppid === null ? null : (processes.get(proc.ppid)?.name ?? proc.parentName ?? null);
  return (
    <dl className="facts">
      <dt>Name</dt>
      <dd>{proc.name}</dd>
      <dt>PID</dt>
      <dd>{s.pids.join(', ')}</dd>
      <dt>Executable</dt>
      <dd className="mono wrap">{proc.exe ?? unknown}</dd>
      <dt>Command line</dt>
      <dd className="mono wrap">{proc.command ?? unknown}</dd>
      <dt>Working folder</dt>
      <dd className="mono wrap">{proc.cwd ?? unknown}</dd>
      <dt>User</dt>
      <dd>{proc.user ?? (proc.uid !== null ? `uid ${proc.uid}` : unknown)}</dd>
      <dt>Started</dt>
      <dd>{proc.startTime !== null ? `${new Date(proc.startTime).toLocaleString()} (${relativeTime(proc.startTime, now)})` : unknown}</dd>
      <dt>Parent PID</dt>
      <dd>
        {proc.ppid ?? unknown}
        {parentName ? ` (${parentName})` : ''}
      </dd>
    </dl>
  );
}

const unknown = <span className="muted">unknown</span>;

function serviceSource(source: 'process' | 'developer' | 'iana'): string {
  return source === 'process' ? 'from the program' : source === 'developer' ? 'common developer port' : 'IANA registry';
}


function CopyButton({ label, text }: { label: string; text: string }) {
  const api = useApi();
  const [done, setDone] = useState<'ok' | 'failed' | null>(null);
  useEffect(() => {
    if (!done) return;
    const t = setTimeout(() => setDone(null), 1500);
    return () => clearTimeout(t);
  }, [done]);
  const copy = () =>
    api.call('copyText', text).then(
      () => setDone('ok'),
      // The page's own clipboard is the fallback (needs focus and, in browsers, a secure context).
      () => navigator.clipboard?.writeText(text).then(() => setDone('ok'), () => setDone('failed')) ?? setDone('failed'),
    );
  return (
    <button type="button" onClick={() => void copy()} aria-live="polite">
      {done === 'ok' ? 'Copied ✓' : done === 'failed' ? 'Copy failed' : label}
    </button>
  );
}

/**
 * The process's other sockets, listeners first, then by port: the store's array has no meaningful
 * order, and the list must not shuffle as rows come and go.
 */
function otherSockets(sockets: readonly Socket[], s: Socket): Socket[] {
  const rank = (o: Socket) => (isListening(o) ? 0 : 1);
  return sockets
    .filter((o) => o !== s && o.pids.some((pid) => s.pids.includes(pid)))
    .sort((a, b) => rank(a) - rank(b) || a.localPort - b.localPort || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
