// Export the current view (filtered and sorted, as shown) to CSV or JSON.
import type { ProcessInfo, Socket } from '../main/core/model.js';
import { isListening } from '../main/core/model.js';
import { EXPOSURE_TEXT, exposure } from './net.js';

export interface ExportContext {
  processes: ReadonlyMap<number, ProcessInfo>;
  conflictKeys: ReadonlySet<string>;
}

interface ExportRow {
  protocol: string;
  family: number;
  localAddress: string;
  localPort: number;
  remoteAddress: string | null;
  remotePort: number | null;
  state: string;
  pids: number[];
  process: string | null;
  command: string | null;
  ownerHidden: boolean;
  hiddenReason: string | null;
  service: string | null;
  exposure: string | null;
  conflict: boolean;
}

function toRow(s: Socket, ctx: ExportContext): ExportRow {
  const p = s.pids.length > 0 ? ctx.processes.get(s.pids[0]!) : undefined;
  return {
    protocol: s.protocol,
    family: s.family,
    localAddress: s.localAddress,
    localPort: s.localPort,
    remoteAddress: s.remoteAddress,
    remotePort: s.remotePort,
    state: s.state,
    pids: s.pids,
    process: p?.name ?? null,
    command: p?.command ?? null,
    ownerHidden: s.owner === 'hidden',
    hiddenReason: s.hiddenReason ?? null,
    service: s.service?.name ?? null,
    exposure: isListening(s) ? EXPOSURE_TEXT[exposure(s)] : null,
    conflict: ctx.conflictKeys.has(s.key),
  };
}

const CSV_COLUMNS: (keyof ExportRow)[] = [
  'protocol',
  'family',
  'localAddress',
  'localPort',
  'remoteAddress',
  'remotePort',
  'state',
  'pids',
  'process',
  'command',
  'ownerHidden',
  'hiddenReason',
  'service',
  'exposure',
  'conflict',
];

export function toCsv(sockets: readonly Socket[], ctx: ExportContext): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const s of sockets) {
    const row = toRow(s, ctx);
    lines.push(CSV_COLUMNS.map((c) => csvCell(row[c])).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

function csvCell(value: ExportRow[keyof ExportRow]): string {
  if (value === null) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  let text = Array.isArray(value) ? value.join(' ') : value;
  // A command line starting with "=" or "@" would run as a formula when the CSV is opened in a
  // spreadsheet: prefix it so it stays text (OWASP "CSV injection").
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toJson(sockets: readonly Socket[], ctx: ExportContext, exportedAt: number): string {
  return JSON.stringify({ version: 1, exportedAt: new Date(exportedAt).toISOString(), count: sockets.length, sockets: sockets.map((s) => toRow(s, ctx)) }, null, 2) + '\n';
}

/** Save text as a file through an <a download>: works in browsers and in Electron's download flow. */
export function downloadText(text: string, filename: string, mime: string, doc: Document = document): void {
  const url = URL.createObjectURL(new Blob([text], { type: mime }));
  const a = doc.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  doc.body.appendChild(a);
  a.click();
  a.remove();
  // Revoke later: some browsers start the download asynchronously after click().
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function exportFilename(ext: 'csv' | 'json', at: number): string {
  const d = new Date(at);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `porthole-${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}.${ext}`;
}
