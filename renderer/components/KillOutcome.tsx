// What happened after Kill: progress, the result (and whether the port is free), refusals, errors.
// After a graceful stop that left processes running, offers "Kill tree" and "Force kill".
import type { KillFlowState } from '../kill/useKillFlow.js';

export interface KillOutcomeProps {
  state: KillFlowState;
  onDismiss: () => void;
  onEscalate: (how: 'tree' | 'force') => void;
}

export function KillOutcome({ state, onDismiss, onEscalate }: KillOutcomeProps) {
  if (state.step === 'idle' || state.step === 'confirm') return null;
  if (state.step === 'planning' || state.step === 'killing') {
    return (
      <div className="toast" role="status">
        {state.step === 'planning' ? `Checking what holds ${state.req.label}…` : `Stopping ${state.req.label}…`}
      </div>
    );
  }
  if (state.step === 'failed') {
    return (
      <div className="toast toast-error" role="alert">
        <p>
          Could not kill {state.req.label}: {state.message}
        </p>
        <div className="toast-actions">
          <button type="button" onClick={onDismiss}>
            Dismiss
          </button>
        </div>
      </div>
    );
  }
  if (state.step === 'refused') {
    return (
      <div className="toast toast-error" role="alert">
        <p>{state.plan.summary}</p>
        <ul>
          {state.plan.refusals.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
        <div className="toast-actions">
          <button type="button" onClick={onDismiss}>
            Dismiss
          </button>
        </div>
      </div>
    );
  }
  const { result, req } = state;
  const canEscalate = !result.ok && result.stillRunning.length > 0;
  return (
    <div className={`toast ${result.ok ? 'toast-ok' : 'toast-error'}`} role={result.ok ? 'status' : 'alert'}>
      <p>{result.summary}</p>
      {result.portFree === true ? <p className="port-free">✓ The port is free.</p> : null}
      {result.portFree === false ? <p>The port is still in use.</p> : null}
      {result.advice ? <p className="muted">{result.advice}</p> : null}
      <div className="toast-actions">
        {canEscalate && !req.tree ? (
          <button type="button" onClick={() => onEscalate('tree')}>
            Kill tree
          </button>
        ) : null}
        {canEscalate && !req.force ? (
          <button type="button" className="danger" onClick={() => onEscalate('force')}>
            Force kill
          </button>
        ) : null}
        <button type="button" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
    </div>
  );
}
