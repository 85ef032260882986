// The main window: wires the store, the api and the components together, and owns the view
// state that is not data (selection, sort, the filter text, which groups are folded).
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { PortholeApi } from '../main/core/contract.js';
import { DEFAULT_SETTINGS } from '../main/core/contract-defaults.js';
import type { Conflict } from '../main/core/model.js';
import { ApiContext, useApi } from './api-context.js';
import { ConflictBanner } from './components/ConflictBanner.js';
import { DetailsPane } from './components/DetailsPane.js';
import { EmptyState } from './components/EmptyState.js';
import { ErrorBanner } from './components/ErrorBanner.js';
import { ExportMenu } from './components/ExportMenu.js';
import { FilterBar } from './components/FilterBar.js';
import { Header, type CountKey } from './components/Header.js';
import { HiddenBanner } from './components/HiddenBanner.js';
import { KillDialog } from './components/KillDialog.js';
import { KillOutcome } from './components/KillOutcome.js';
import { PortCheck } from './components/PortCheck.js';
import { StatusBar } from './components/StatusBar.js';
import { SocketTable, type SocketTableProps } from './components/table/SocketTable.js';
import { TrafficChart } from './components/TrafficChart.js';
import { ViewToggles } from './components/ViewToggles.js';
import { WatchedPorts } from './components/WatchedPorts.js';
import type { downloadText } from './export.js';
import { parseFilter, pinnedPort } from './filter.js';
import { useFilterText } from './hooks/useFilterText.js';
import { useIdleWarmup } from './hooks/useIdleWarmup.js';
import { usePortCheck } from './hooks/usePortCheck.js';
import { useSettingsWriter } from './hooks/useSettingsWriter.js';
import { useShortcuts } from './hooks/useShortcuts.js';
import { useWatchedAlerts } from './hooks/useWatchedAlerts.js';
import { killTargetFor, whyNoKill } from './kill/target.js';
import { useKillFlow } from './kill/useKillFlow.js';
import { browserNotifier, type Notifier } from './notify.js';
import { countsOf } from './state/counts.js';
import { StoreContext, useStore, useStoreInstance } from './state/hooks.js';
import type { SortSpec } from './state/sort.js';
import type { PortholeStore } from './state/store.js';
import { useSocketByKey } from './state/use-socket-by-key.js';
import { useSocketView } from './state/use-view.js';
import { watchedFromListeners } from './watched.js';

export interface AppProps {
  api: PortholeApi;
  store: PortholeStore;
  notifier?: Notifier;
  now?: () => number;
  download?: typeof downloadText;
}

export function App({ api, store, notifier = browserNotifier, now = Date.now, download }: AppProps) {
  useEffect(() => store.connect(api), [api, store]);
  return (
    <ApiContext.Provider value={api}>
      <StoreContext.Provider value={store}>
        <MainView notifier={notifier} now={now} download={download} />
      </StoreContext.Provider>
    </ApiContext.Provider>
  );
}

const DEFAULT_SORT: SortSpec = { column: 'local', desc: false };
const MemoWatchedPorts = memo(WatchedPorts);
const MemoConflictBanner = memo(ConflictBanner);
const MemoHiddenBanner = memo(HiddenBanner);
const MemoViewToggles = memo(ViewToggles);

/**
 * The table reads the row marks itself: a `fresh` mark expiring (a store change of its own, ~2 s
 * after each poll) then re-renders the table alone, not the whole window.
 */
const LiveTable = memo(function LiveTable(props: Omit<SocketTableProps, 'closing' | 'fresh' | 'processes' | 'conflictKeys'>) {
  const closing = useStore((s) => s.closing);
  const fresh = useStore((s) => s.fresh);
  const processes = useStore((s) => s.processes);
  const conflictKeys = useStore((s) => s.conflictKeys);
  return <SocketTable {...props} closing={closing} fresh={fresh} processes={processes} conflictKeys={conflictKeys} />;
});

function MainView({ notifier, now, download }: { notifier: Notifier; now: () => number; download: typeof downloadText | undefined }) {
  const api = useApi();
  const store = useStoreInstance();
  const loaded = useStore((s) => s.loaded);
  const sockets = useStore((s) => s.sockets);
  const stats = useStore((s) => s.stats);
  const collectedElevated = useStore((s) => s.elevated);
  const rowsLog = useStore((s) => s.rowsLog);
  const processes = useStore((s) => s.processes);
  const conflicts = useStore((s) => s.conflicts);
  const conflictKeys = useStore((s) => s.conflictKeys);
  const error = useStore((s) => s.error);
  const status = useStore((s) => s.status);
  const settings = useStore((s) => s.settings) ?? DEFAULT_SETTINGS;
  const writeSettings = useSettingsWriter(api, store);

  const settingsFilter = useStore((s) => s.settings?.filter);
  const [filterText, setFilterText] = useFilterText(api, store, settingsFilter);
  const filter = useMemo(() => parseFilter(filterText), [filterText]);
  const [sort, setSort] = useState<SortSpec>(DEFAULT_SORT);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const [selectedKey, setSelectedKey] = useState<string | null>(null);
  const [detailsOpen, setDetailsOpen] = useState(false);
  const [paused, setPaused] = useState(store.isFrozen);
  const filterRef = useRef<HTMLInputElement>(null);
  const kill = useKillFlow(api);
  const portCheck = usePortCheck(api);

  const view = useSocketView(
    { sockets, rowsLog, processes, conflictKeys },
    { filter, listeningOnly: settings.listeningOnly, groupByProcess: settings.groupByProcess, collapsed, sort },
  );
  // Everything below follows the rows per change (stats, change log): no pass over all sockets per poll.
  const counts = useMemo(() => countsOf(stats, conflicts), [stats, conflicts]);
  useIdleWarmup(sockets, rowsLog);
  const selected = useSocketByKey(sockets, rowsLog, selectedKey);
  // Only whether the selected row is closing: marks coming and going elsewhere don't re-render this.
  const selectedClosing = useStore((s) => selected !== undefined && s.closing.has(selected.key));
  const watched = useMemo(() => watchedFromListeners(settings.watchedPorts, stats.listeners, processes), [settings.watchedPorts, stats.listeners, processes]);
  useWatchedAlerts(watched, loaded, notifier);

  const setPause = useCallback(
    (p: boolean) => {
      store.setFrozen(p);
      setPaused(p);
      api.call(p ? 'pause' : 'resume').catch(() => undefined);
    },
    [api, store],
  );
  // Paused or resumed from elsewhere (the tray menu): follow the monitor when its state flips.
  const serverPaused = status?.paused;
  const lastServerPaused = useRef(serverPaused);
  useEffect(() => {
    if (serverPaused === undefined || serverPaused === lastServerPaused.current) return;
    lastServerPaused.current = serverPaused;
    if (serverPaused === store.isFrozen) return;
    store.setFrozen(serverPaused);
    setPaused(serverPaused);
  }, [serverPaused, store]);

  const showAllOwners = useCallback((enabled: boolean) => api.call('showAllOwners', enabled), [api]);

  const showFilter = useCallback(
    (text: string, all?: boolean) => {
      setFilterText(text);
      if (all) writeSettings({ listeningOnly: false });
    },
    [setFilterText, writeSettings],
  );
  const onCount = useCallback(
    (key: CountKey) => {
      if (key === 'listening') {
        showFilter('');
        writeSettings({ listeningOnly: true });
      } else if (key === 'established') showFilter('state:established', true);
      else if (key === 'udp') showFilter('udp', true);
      else if (key === 'conflicts') showFilter('conflict');
      else showFilter('hidden', true);
    },
    [showFilter, writeSettings],
  );
  // Only warnings flag their rows (the `conflict` filter); a note narrows to its port.
  const onPickConflict = useCallback((c: Conflict) => showFilter(c.severity === 'warning' ? `conflict port:${c.port}` : `port:${c.port}`), [showFilter]);
  // Stable callbacks: the memoised bars and banners then skip the re-render of every poll.
  const watchedPorts = settings.watchedPorts;
  const onWatch = useCallback(
    (p: number) => {
      notifier.requestPermission();
      writeSettings({ watchedPorts: [...watchedPorts, p] });
    },
    [notifier, writeSettings, watchedPorts],
  );
  const onUnwatch = useCallback((p: number) => writeSettings({ watchedPorts: watchedPorts.filter((x) => x !== p) }), [writeSettings, watchedPorts]);
  const onPickWatched = useCallback((p: number) => showFilter(`port:${p}`), [showFilter]);
  const onShowHidden = useCallback(() => showFilter('hidden', true), [showFilter]);
  const onListeningOnly = useCallback((v: boolean) => writeSettings({ listeningOnly: v }), [writeSettings]);
  const onGroupByProcess = useCallback((v: boolean) => writeSettings({ groupByProcess: v }), [writeSettings]);
  const onSelect = useCallback((key: string) => {
    setSelectedKey(key);
    setDetailsOpen(true);
  }, []);
  // Focus inside the pane would fall to the top of the page when it closes: back to the table, where
  // the selection (and the arrow keys) are.
  const setDetailsShown = useCallback((open: boolean) => {
    if (!open && document.activeElement?.closest('.details')) document.querySelector<HTMLElement>('.app [role="grid"]')?.focus();
    setDetailsOpen(open);
  }, []);
  const onToggleGroup = useCallback(
    (id: string) =>
      setCollapsed((prev) => {
        const next = new Set(prev);
        if (!next.delete(id)) next.add(id);
        return next;
      }),
    [],
  );
  const startKillSelected = useCallback(() => {
    if (!selected || selectedClosing) return;
    const req = killTargetFor(selected, selected.pids.length > 0 ? processes.get(selected.pids[0]!)?.name : undefined);
    if (req) kill.start(req);
    else kill.refuse(`:${selected.localPort}`, whyNoKill(selected));
  }, [selected, selectedClosing, processes, kill]);

  useShortcuts(
    filterRef,
    { items: view.items, selectedKey, detailsOpen, filterText, dialogOpen: kill.state.step === 'confirm' },
    { select: setSelectedKey, setDetailsOpen: setDetailsShown, setFilterText, startKill: startKillSelected },
  );

  const port = pinnedPort(filter);
  const portHeld = view.items.length === 0 && port !== null && stats.listeners.has(port);

  // Kept by identity so a delta that leaves the table's inputs alone does not re-render the table.
  const listeningOnly = settings.listeningOnly;
  const empty = useMemo(
    () => (
      <EmptyState
        loaded={loaded}
        filterText={filterText}
        port={port}
        portHeld={portHeld}
        listeningOnly={listeningOnly}
        onClearFilter={() => setFilterText('')}
        onShowAll={() => writeSettings({ listeningOnly: false })}
        onCheckPort={portCheck.run}
      />
    ),
    [loaded, filterText, port, portHeld, listeningOnly, setFilterText, writeSettings, portCheck.run],
  );

  return (
    <div className="app">
      <Header
        counts={counts}
        paused={paused}
        onTogglePause={() => setPause(!paused)}
        onCount={onCount}
        traffic={<TrafficSection />}
        exportMenu={<ExportMenu sockets={view.sockets} processes={processes} conflictKeys={conflictKeys} now={now} download={download} />}
      />
      <MemoWatchedPorts statuses={watched} onAdd={onWatch} onRemove={onUnwatch} onPick={onPickWatched} />
      <div className="banners">
        <PortCheck state={portCheck.state} onRerun={portCheck.run} onClose={portCheck.close} />
        <ErrorBanner error={error} now={now} />
        <MemoConflictBanner conflicts={conflicts} onPick={onPickConflict} />
        <MemoHiddenBanner
          hidden={counts.hidden}
          example={stats.hiddenExample}
          onShow={onShowHidden}
          elevation={status?.elevated}
          elevationMessage={status?.elevationMessage}
          onShowAll={showAllOwners}
          collectedElevated={collectedElevated}
        />
      </div>
      <div className="toolbar">
        <FilterBar ref={filterRef} value={filterText} onChange={setFilterText} hints={filter.hints} shown={view.sockets.length} total={counts.total} />
        <MemoViewToggles
          listeningOnly={settings.listeningOnly}
          onListeningOnly={onListeningOnly}
          groupByProcess={settings.groupByProcess}
          onGroupByProcess={onGroupByProcess}
        />
      </div>
      <main className="workspace">
        <LiveTable items={view.items} sort={sort} onSortChange={setSort} selectedKey={selectedKey} onSelect={onSelect} onToggleGroup={onToggleGroup} empty={empty} />
        {detailsOpen && selected ? (
          <DetailsPane
            socket={selected}
            closing={selectedClosing}
            sockets={sockets}
            processes={processes}
            conflicts={conflicts}
            onSelect={setSelectedKey}
            onClose={() => setDetailsShown(false)}
            onKill={kill.start}
            onCheckPort={portCheck.run}
            now={now}
          />
        ) : null}
      </main>
      <MemoStatusSection paused={paused} />
      {kill.state.step === 'confirm' ? <KillDialog req={kill.state.req} plan={kill.state.plan} onConfirm={kill.confirm} onCancel={kill.cancel} /> : null}
      <KillOutcome state={kill.state} onDismiss={kill.dismiss} onEscalate={kill.escalate} />
    </div>
  );
}

/** Its own subscriber: a traffic sample every second re-renders the chart, not the table. */
function TrafficSection() {
  const traffic = useStore((s) => s.traffic);
  return <TrafficChart samples={traffic} />;
}

const MemoStatusSection = memo(function StatusSection({ paused }: { paused: boolean }) {
  const total = useStore((s) => s.stats.total);
  const processes = useStore((s) => s.processes);
  const collector = useStore((s) => s.collector);
  const takenAt = useStore((s) => s.takenAt);
  const elevated = useStore((s) => s.elevated);
  const issues = useStore((s) => s.issues);
  const status = useStore((s) => s.status);
  return (
    <StatusBar
      total={total}
      processes={processes.size}
      collector={collector}
      takenAt={takenAt}
      elevated={elevated}
      issues={issues}
      status={status}
      paused={paused}
    />
  );
});
