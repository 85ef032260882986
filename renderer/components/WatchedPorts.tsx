// The ports the user pinned, at the top: free or taken, and by whom. Add with the box, remove with ×.
import { useId, useState } from 'react';
import type { WatchedStatus } from '../watched.js';

export interface WatchedPortsProps {
  statuses: readonly WatchedStatus[];
  onAdd: (port: number) => void;
  onRemove: (port: number) => void;
  onPick: (port: number) => void;
}

export function WatchedPorts({ statuses, onAdd, onRemove, onPick }: WatchedPortsProps) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const inputId = useId();
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const port = Number(text.trim().replace(/^:/, ''));
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      setError('A port is a whole number from 1 to 65535.');
      return;
    }
    setError(null);
    setText('');
    if (!statuses.some((s) => s.port === port)) onAdd(port);
  };
  return (
    <section className="watched" aria-label="Watched ports">
      <span className="watched-title">Watching</span>
      <ul className="chips">
        {statuses.map((s) => (
          <li key={s.port} className={`chip ${s.taken ? 'chip-taken' : 'chip-free'}`}>
            <button type="button" className="chip-main" onClick={() => onPick(s.port)} title={s.taken ? `:${s.port} is taken by ${s.owner}` : `:${s.port} is free`}>
              <span className="mono">:{s.port}</span> <span className="chip-status">{s.taken ? s.owner : 'free'}</span>
            </button>
            <button type="button" className="chip-remove" aria-label={`Stop watching ${s.port}`} onClick={() => onRemove(s.port)}>
              ×
            </button>
          </li>
        ))}
      </ul>
      <form onSubmit={submit} className="watch-add">
        <label htmlFor={inputId} className="sr-only">
          Watch a port
        </label>
        <input
          id={inputId}
          className="mono"
          inputMode="numeric"
          placeholder="+ port"
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-invalid={error ? true : undefined}
          title={error ?? 'Watch a port: get a notification when it is taken or freed'}
        />
      </form>
      {error ? (
        <span className="watch-error" role="alert">
          {error}
        </span>
      ) : null}
    </section>
  );
}
