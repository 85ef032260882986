// The answer to "can a server bind :PORT now?": the verdict, then one line per finding, most
// important first (who holds it, TIME_WAIT, privileged or ephemeral ports, what would still work).
import type { DiagnosisView } from '../../main/core/contract.js';
import type { PortCheckState } from '../hooks/usePortCheck.js';

const MARK: Record<DiagnosisView['findings'][number]['severity'], { icon: string; text: string }> = {
  blocker: { icon: '✗', text: 'blocks it' },
  warning: { icon: '!', text: 'warning' },
  info: { icon: '·', text: 'note' },
};

export interface PortCheckProps {
  state: PortCheckState;
  onRerun: (port: number) => void;
  onClose: () => void;
}

export function PortCheck({ state, onRerun, onClose }: PortCheckProps) {
  if (state.status === 'idle') return null;
  const { port } = state;
  return (
    <section className={`banner port-check ${state.status === 'done' && !state.view.bindable ? 'banner-warning' : 'banner-info'}`} aria-label="Port check">
      {state.status === 'running' ? (
        <p role="status">Checking whether a server can bind :{port}…</p>
      ) : state.status === 'failed' ? (
        <p role="alert">
          Could not check :{port}: {state.message}
        </p>
      ) : (
        <>
          <p role="status">
            <strong className={state.view.bindable ? 'verdict-yes' : 'verdict-no'}>{state.view.headline}</strong>
          </p>
          <ul className="findings">
            {state.view.findings.map((f) => (
              <li key={f.message} className={`finding finding-${f.severity}`}>
                <span className="finding-mark" aria-hidden="true" title={MARK[f.severity].text}>
                  {MARK[f.severity].icon}
                </span>{' '}
                <span className="sr-only">{MARK[f.severity].text}: </span>
                {f.message}
              </li>
            ))}
          </ul>
        </>
      )}
      <p className="port-check-actions">
        <button type="button" className="link-button" onClick={() => onRerun(port)} disabled={state.status === 'running'}>
          Check again
        </button>{' '}
        <span className="muted" aria-hidden="true">
          ·
        </span>{' '}
        <button type="button" className="link-button" onClick={onClose}>
          Close
        </button>
      </p>
    </section>
  );
}
