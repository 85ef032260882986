// Lower-cased text that free-text filtering searches, cached per object: sockets and processes
// keep their identity across deltas when unchanged, so a keystroke over 21,000 rows is one pass of
// `includes` with no string building. WeakMaps let replaced objects be collected.
import type { ProcessInfo, Socket } from '../main/core/model.js';
import { localEndpoint, protocolLabel, remoteEndpoint } from './format.js';

const socketText = new WeakMap<Socket, string>();
const processText = new WeakMap<ProcessInfo, string>();

export function socketSearchText(s: Socket): string {
  let text = socketText.get(s);
  if (text === undefined) {
    text = [
      protocolLabel(s),
      `${s.localAddress}:${s.localPort}`,
      localEndpoint(s),
      s.remoteAddress === null ? '' : `${s.remoteAddress}:${s.remotePort ?? ''} ${remoteEndpoint(s)}`,
      s.state,
      s.service?.name ?? '',
      s.service?.description ?? '',
      s.pids.join(' '),
      s.owner === 'hidden' ? 'hidden' : '',
    ]
      .join(' ')
      .toLowerCase();
    socketText.set(s, text);
  }
  return text;
}

export function processSearchText(p: ProcessInfo): string {
  let text = processText.get(p);
  if (text === undefined) {
    text = `${p.name} ${p.command ?? ''} ${p.exe ?? ''} ${p.user ?? ''}`.toLowerCase();
    processText.set(p, text);
  }
  return text;
}
