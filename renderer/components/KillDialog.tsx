// Browser mode's confirmation: names every process that would be signalled, its pid and ports,
// and what Porthole refuses to touch. The confirming button is "Kill"; Esc or "Cancel" backs out.
import { useEffect, useId, useRef } from 'react';
import { KILL_GRACE_MS } from '../../main/core/contract-defaults.js';
import type { KillPlanView } from '../../main/core/contract.js';
import type { KillRequestInput } from '../kill/target.js';
import { onWindows } from '../platform.js';

export interface KillDialogProps {
  req: KillRequestInput;
  plan: KillPlanView;
  onConfirm: () => void;
  onCancel: () => void;
}

export function KillDialog({ req, plan, onConfirm, onCancel }: KillDialogProps) {
  const titleId = useId();
  const descId = useId();
  const dialogRef = useRef<HTMLDivElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    // Focus starts on the harmless choice: a stray Enter must not kill anything.
    const before = document.activeElement as HTMLElement | null;
    cancelRef.current?.focus();
    return () => before?.focus?.();
  }, []);

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onCancel();
    } else if (e.key === 'Tab') trapFocus(e, dialogRef.current);
  };

  const n = plan.candidates.length;
  const verb = req.force ? 'Force kill' : 'Kill';
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onCancel()}>
      {/* Focusable itself: a click on its text keeps focus in the dialog, so Esc and Tab still reach it. */}
      <div
        ref={dialogRef}
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={descId}
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId}>
          {verb} {n === 1 ? plan.candidates[0]!.name : `${n} processes`}?
        </h2>
        <p id={descId}>{plan.summary}</p>
        <ul className="kill-candidates">
          {plan.candidates.map((c) => (
            <li key={c.pid}>
              <span className="pname">{c.name}</span> <span className="pid">pid {c.pid}</span>
              {c.role === 'descendant' ? <span className="badge">child</span> : null}
              <span className="ports mono">{c.ports.length > 0 ? c.ports.join(', ') : 'no ports'}</span>
            </li>
          ))}
        </ul>
        {plan.restarts.length > 0 ? (
          <div className="restarts">
            <h3>It may come back</h3>
            <ul>
              {plan.restarts.map((r) => (
                <li key={r.text}>
                  {r.text} <code className="mono">{r.command}</code>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        {plan.refusals.length > 0 ? (
          <div className="refusals">
            <h3>Porthole won't touch</h3>
            <ul>
              {plan.refusals.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          </div>
        ) : null}
        {plan.notes.length > 0 ? (
          <ul className="notes">
            {plan.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        ) : null}
        <p className="muted small">{howItStops(n, req, onWindows())}</p>
        <div className="modal-actions">
          <button type="button" ref={cancelRef} onClick={onCancel}>
            Cancel
          </button>
          <button type="button" className="danger" onClick={onConfirm}>
            Kill
          </button>
        </div>
      </div>
    </div>
  );
}

function trapFocus(e: React.KeyboardEvent, root: HTMLElement | null) {
  if (!root) return;
  const focusable = [...root.querySelectorAll<HTMLElement>('button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"])')].filter((el) => !el.hasAttribute('disabled'));
  if (focusable.length === 0) return;
  // -1: the dialog itself has focus (after a click on its text); Tab goes in, never out.
  const at = focusable.indexOf(document.activeElement as HTMLElement);
  if (e.shiftKey && at <= 0) {
    e.preventDefault();
    focusable[focusable.length - 1]!.focus();
  } else if (!e.shiftKey && (at === -1 || at === focusable.length - 1)) {
    e.preventDefault();
    focusable[0]!.focus();
  }
}

/**
 * What the kill will do, as the engine does it: a graceful request first either way, so a server
 * can close cleanly (SIGTERM; on Windows a Ctrl+C, or a close request to a windowed program); force
 * then ends whatever is still running after the grace period (SIGKILL; taskkill /F on Windows).
 */
export function howItStops(count: number, req: Pick<KillRequestInput, 'force' | 'tree'>, windows: boolean): string {
  const [object, subject] = count === 1 ? ['it', 'it'] : ['them', 'they'];
  const first = `Porthole asks ${object} to stop (${windows ? 'Ctrl+C' : 'SIGTERM'}) so ${subject} can clean up`;
  const then = req.force
    ? `, then kills whatever still runs after ${KILL_GRACE_MS / 1000} s (${windows ? 'taskkill /F' : 'SIGKILL'}).`
    : `. Anything that ignores this keeps running: Force kill then finishes the job.`;
  return `${first}${then}${req.tree ? ' Child processes are included.' : ''}`;
}
