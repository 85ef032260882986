// A failed poll (or a lost connection) does not blank the table: the data stays, and this says
// how old it is and when the next try comes.
import { useEffect, useState } from 'react';
import { clockTime } from '../format.js';
import type { CollectorError } from '../state/types.js';

export function ErrorBanner({ error, now = Date.now }: { error: CollectorError | null; now?: () => number }) {
  const [, tick] = useState(0);
  useEffect(() => {
    if (!error || error.retryInMs <= 0) return;
    const t = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, [error]);
  if (!error) return null;
  const left = Math.ceil((error.at + error.retryInMs - now()) / 1000);
  const age = error.lastGoodAt !== null ? `Last good data from ${clockTime(error.lastGoodAt)}` : 'No data yet';
  const retry = error.retryInMs <= 0 ? '.' : left > 0 ? `; retrying in ${left} s.` : '; retrying now…';
  // The countdown stays out of the live region: ticking inside it, it would be read out every second.
  return (
    <div className="banner banner-error">
      <span role="status">
        <strong>{error.message}</strong> {age}
      </span>
      {retry}
    </div>
  );
}
