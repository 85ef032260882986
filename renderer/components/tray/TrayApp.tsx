// The tray popup: watched ports and running dev servers at a glance, with Kill, Open in browser
// and "Show in Porthole" (which brings the main window forward, narrowed to that port).
import { openLocalUrl } from '../../open-url.js';
import { useEffect, useMemo } from 'react';
import type { PortholeApi } from '../../../main/core/contract.js';
import { DEFAULT_SETTINGS } from '../../../main/core/contract-defaults.js';
import { ApiContext, useApi } from '../../api-context.js';
import { killTargetForPort } from '../../kill/target.js';
import { useKillFlow } from '../../kill/useKillFlow.js';
import { StoreContext, useStore } from '../../state/hooks.js';
import type { PortholeStore } from '../../state/store.js';
import { trayEntries, type TrayEntry } from '../../tray-ports.js';
import { KillDialog } from '../KillDialog.js';
import { KillOutcome } from '../KillOutcome.js';

export function TrayApp({ api, store }: { api: PortholeApi; store: PortholeStore }) {
  useEffect(() => store.connect(api), [api, store]);
  return (
    <ApiContext.Provider value={api}>
      <StoreContext.Provider value={store}>
        <TrayView />
      </StoreContext.Provider>
    </ApiContext.Provider>
  );
}

function TrayView() {
  const api = useApi();
  const loaded = useStore((s) => s.loaded);
  const sockets = useStore((s) => s.sockets);
  const closing = useStore((s) => s.closing);
  const processes = useStore((s) => s.processes);
  const watchedPorts = useStore((s) => s.settings?.watchedPorts) ?? DEFAULT_SETTINGS.watchedPorts;
  const error = useStore((s) => s.error);
  const entries = useMemo(() => trayEntries(watchedPorts, sockets, closing, processes), [watchedPorts, sockets, closing, processes]);
  const kill = useKillFlow(api);

  const actions = {
    kill: (port: number) => kill.start(killTargetForPort(port)),
    open: (port: number) => void openLocalUrl(api, `http://localhost:${port}/`).catch(() => undefined),
    show: (port?: number) => void api.call('showMainWindow', port === undefined ? {} : { port }).catch(() => undefined),
  };

  return (
    <div className="tray">
      <header className="tray-head">
        <span className="brand">
          <span className="brand-mark" aria-hidden="true">
            ◎
          </span>{' '}
          Porthole
        </span>
        <button type="button" onClick={() => actions.show()}>
          Open Porthole
        </button>
      </header>
      {error ? (
        <p className="tray-error" role="status">
          {error.message}
        </p>
      ) : null}
      <section aria-label="Watched ports">
        <h2>Watched ports</h2>
        {entries.watched.length === 0 ? <p className="muted small">No watched ports. Pin some in the main window.</p> : <EntryList entries={entries.watched} actions={actions} />}
      </section>
      <section aria-label="Dev servers">
        <h2>Listening</h2>
        {!loaded ? (
          <p className="muted small">Collecting sockets…</p>
        ) : entries.dev.length === 0 ? (
          <p className="muted small">Nothing listening. Start a dev server and it shows up here.</p>
        ) : (
          <EntryList entries={entries.dev} actions={actions} />
        )}
      </section>
      {kill.state.step === 'confirm' ? <KillDialog req={kill.state.req} plan={kill.state.plan} onConfirm={kill.confirm} onCancel={kill.cancel} /> : null}
      <KillOutcome state={kill.state} onDismiss={kill.dismiss} onEscalate={kill.escalate} />
    </div>
  );
}

interface Actions {
  kill(port: number): void;
  open(port: number): void;
  show(port?: number): void;
}

function EntryList({ entries, actions }: { entries: TrayEntry[]; actions: Actions }) {
  return (
    <ul className="tray-list">
      {entries.map((e) => (
        <li key={e.port} className={e.taken ? 'taken' : 'free'} aria-label={`:${e.port} ${e.taken ? (e.owner ?? 'taken') : 'free'}`}>
          <span className={`dot ${e.taken ? 'dot-taken' : 'dot-free'}`} aria-hidden="true" />
          <span className="tray-port mono">:{e.port}</span>
          <span className="tray-owner">
            {e.taken ? e.owner : <span className="muted">free</span>}
            {e.service ? <span className="muted small"> · {e.service}</span> : null}
          </span>
          <span className="tray-actions">
            {e.taken && e.tcp ? (
              <button type="button" onClick={() => actions.open(e.port)} title={`Open http://localhost:${e.port}/`}>
                Open in browser
              </button>
            ) : null}
            {e.taken && e.killable ? (
              <button type="button" className="danger" onClick={() => actions.kill(e.port)}>
                Kill
              </button>
            ) : null}
            <button type="button" onClick={() => actions.show(e.port)}>
              Show in Porthole
            </button>
          </span>
        </li>
      ))}
    </ul>
  );
}
