// Agreement: the engine against `ss -tunap`, counting only sockets that did not change between two
// ss reads taken just before and just after the engine's.
//
// Under churn an "extra" is a socket only the engine's own ss read saw: opened after the first ss
// read and closed before the second. The engine takes its sockets from ss, so it cannot invent one.
import { parseSsProcesses } from '../../main/core/collect/parse/ss-processes.js';
import type { Snapshot } from '../../main/core/model.js';

export interface Agreement {
  compared: number;
  missing: number;
  extra: number;
  ownerMismatches: number;
  unstableExcluded: number;
  examples: string[];
}

function ssTable(text: string): Map<string, string[]> {
  const table = new Map<string, string[]>();
  for (const s of parseSsProcesses(text).sockets) {
    const key = tupleKey(s);
    const list = table.get(key) ?? [];
    list.push(s.pids.join(','));
    table.set(key, list);
  }
  for (const list of table.values()) list.sort();
  return table;
}

function tupleKey(s: { protocol: string; localAddress: string; localPort: number; remoteAddress: string | null; remotePort: number | null; state: string }): string {
  return `${s.protocol} ${s.localAddress}:${s.localPort} -> ${s.remoteAddress ?? '*'}:${s.remotePort ?? '*'} ${s.state}`;
}

export function compareWithSs(engine: Snapshot, before: string, after: string): Agreement {
  const a = ssTable(before);
  const b = ssTable(after);
  const e = new Map<string, string[]>();
  for (const s of engine.sockets) {
    const key = tupleKey(s);
    const list = e.get(key) ?? [];
    list.push(s.pids.join(','));
    e.set(key, list);
  }
  for (const list of e.values()) list.sort();

  const out: Agreement = { compared: 0, missing: 0, extra: 0, ownerMismatches: 0, unstableExcluded: 0, examples: [] };
  const note = (text: string) => {
    if (out.examples.length < 8) out.examples.push(text);
  };
  for (const [key, listA] of a) {
    const listB = b.get(key);
    if (!listB || listB.join('|') !== listA.join('|')) {
      out.unstableExcluded += listA.length;
      continue;
    }
    out.compared += listA.length;
    const listE = e.get(key) ?? [];
    if (listE.length < listA.length) {
      out.missing += listA.length - listE.length;
      note(`missing: ${key} (ss owners ${listA.join(' / ') || 'none'})`);
    }
    const pool = [...listE];
    for (const owners of listA) {
      const i = pool.indexOf(owners);
      if (i >= 0) pool.splice(i, 1);
      else if (listE.length >= listA.length) {
        out.ownerMismatches++;
        note(`owner: ${key}: ss says [${owners}], engine [${pool.join(' / ')}]`);
      }
    }
  }
  for (const [key, listB] of b) {
    const listA = a.get(key);
    if (!listA) out.unstableExcluded += listB.length;
  }
  for (const [key, listE] of e) {
    if (!a.has(key) && !b.has(key)) {
      out.extra += listE.length;
      note(`extra: ${key} (engine owners ${listE.join(' / ') || 'none'})`);
    }
  }
  return out;
}

export function agreementLine(g: Agreement, churn = false): string {
  const extra = churn ? `${g.extra} extra (sockets that lived only between the two ss reads)` : `${g.extra} extra`;
  const base = `agreement: ${g.compared} sockets, ${g.missing} missing, ${extra}, ${g.ownerMismatches} owner mismatches`;
  return g.unstableExcluded > 0 ? `${base} (${g.unstableExcluded} sockets that changed between the two ss reads left out)` : base;
}
