// A sparkline of bytes in/out over the last ~60 samples, for all external interfaces together or
// one of them.
import { useMemo, useState } from 'react';
import { bytesPerSecond } from '../format.js';
import type { TrafficSample } from '../state/types.js';

const W = 120;
const H = 26;
const ALL = '';

interface Series {
  rx: number[];
  tx: number[];
}

export function TrafficChart({ samples }: { samples: readonly TrafficSample[] }) {
  const [iface, setIface] = useState(ALL);
  const names = useMemo(() => {
    const last = samples[samples.length - 1];
    return last ? last.interfaces.filter((i) => !i.internal).map((i) => i.name) : [];
  }, [samples]);
  const series = useMemo(() => seriesOf(samples, iface), [samples, iface]);
  if (samples.length === 0) return null;
  const rxNow = series.rx[series.rx.length - 1] ?? 0;
  const txNow = series.tx[series.tx.length - 1] ?? 0;
  const max = Math.max(1, ...series.rx, ...series.tx);
  const label = `Network traffic${iface ? ` on ${iface}` : ''}: ${bytesPerSecond(rxNow)} in, ${bytesPerSecond(txNow)} out`;
  return (
    <div className="traffic">
      <svg width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} className="sparkline">
        <title>{label}</title>
        <polyline className="spark-rx" points={points(series.rx, max)} />
        <polyline className="spark-tx" points={points(series.tx, max)} />
      </svg>
      <div className="traffic-rates mono">
        <span className="rx">↓ {bytesPerSecond(rxNow)}</span>
        <span className="tx">↑ {bytesPerSecond(txNow)}</span>
      </div>
      {names.length > 1 ? (
        <select aria-label="Interface" value={iface} onChange={(e) => setIface(e.target.value)} className="iface-select">
          <option value={ALL}>all</option>
          {names.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      ) : null}
    </div>
  );
}

export function seriesOf(samples: readonly TrafficSample[], iface: string): Series {
  const rx: number[] = [];
  const tx: number[] = [];
  for (const s of samples) {
    let r = 0;
    let t = 0;
    for (const i of s.interfaces) {
      if (iface ? i.name !== iface : i.internal) continue;
      r += i.rxPerSec ?? 0;
      t += i.txPerSec ?? 0;
    }
    rx.push(r);
    tx.push(t);
  }
  return { rx, tx };
}

function points(values: number[], max: number): string {
  const step = values.length > 1 ? W / (values.length - 1) : W;
  return values.map((v, i) => `${(i * step).toFixed(1)},${(H - 1 - (v / max) * (H - 2)).toFixed(1)}`).join(' ');
}
