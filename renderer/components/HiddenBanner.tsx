// Unknown is not absent: sockets whose owner the OS hides are counted, with how to see them, and
// "Show all owners" (collection with administrator rights, after the OS asks) where main offers it.
import { useState } from 'react';
import type { ElevationState, ShowAllOwnersResult } from '../../main/core/contract.js';
import type { Socket } from '../../main/core/model.js';

export interface HiddenBannerProps {
  hidden: number;
  example: Socket | undefined;
  onShow: () => void;
  /** The monitor's elevation state (MonitorStatus.elevated). */
  elevation?: ElevationState;
  /** Why elevation failed or ended on its own, from the status. */
  elevationMessage?: string | null;
  /** Calls the showAllOwners verb. */
  onShowAll?: (enabled: boolean) => Promise<ShowAllOwnersResult>;
  /**
   * The snapshot was taken with every right there is (Porthole itself runs as root or
   * Administrator): asking for more cannot show more, so the banner doesn't offer it.
   */
  collectedElevated?: boolean;
}

export function HiddenBanner({ hidden, example, onShow, elevation = 'off', elevationMessage, onShowAll, collectedElevated = false }: HiddenBannerProps) {
  const [result, setResult] = useState<ShowAllOwnersResult | null>(null);
  const [busy, setBusy] = useState(false);
  const active = elevation === 'on' || elevation === 'starting';
  if (hidden === 0 && !active && !result) return null;

  const run = (enabled: boolean) => {
    if (!onShowAll) return;
    setBusy(true);
    onShowAll(enabled).then(
      (r) => (setResult(r), setBusy(false)),
      (error: unknown) => (setResult({ ok: false, message: error instanceof Error ? error.message : String(error), advice: null }), setBusy(false)),
    );
  };
  // A failure reported later (the collector ended) replaces a stale success message.
  const shown = elevation === 'failed' && elevationMessage && result?.ok !== false ? { ok: false, message: elevationMessage, advice: null } : result;

  return (
    <section className="banner banner-info" aria-label="Hidden owners">
      {hidden > 0 ? (
        <>
          <strong>
            {hidden} {hidden === 1 ? 'socket has a hidden owner' : 'sockets have hidden owners'}.
          </strong>{' '}
          <span>{example?.hiddenReason ?? 'The OS would not say which process holds them; run Porthole with administrator rights to see them.'}</span>{' '}
          <button type="button" className="link-button" onClick={onShow}>
            Show them
          </button>
        </>
      ) : elevation === 'on' ? (
        <strong>Every owner is shown: collection runs with administrator rights.</strong>
      ) : null}{' '}
      {onShowAll && !active && hidden > 0 && !collectedElevated && (
        <>
          <span className="muted" aria-hidden="true">
            ·
          </span>{' '}
          <button type="button" className="link-button" onClick={() => run(true)} disabled={busy}>
            Show all owners
          </button>
        </>
      )}
      {onShowAll && active && (
        <>
          {elevation === 'starting' && <span role="status">Asking for administrator rights…</span>}{' '}
          <button type="button" className="link-button" onClick={() => run(false)} disabled={busy && elevation !== 'starting'}>
            Stop
          </button>
        </>
      )}
      {shown && (
        <p className="banner-detail" role={shown.ok ? 'status' : 'alert'}>
          {shown.message}
          {shown.advice && (
            <>
              {' '}
              <code>{shown.advice}</code>
            </>
          )}
        </p>
      )}
    </section>
  );
}
