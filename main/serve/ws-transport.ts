// One authenticated WebSocket <-> one service Session. Frames are checked against the contract
// before anything runs; the connection is dropped rather than allowed to buffer without bound.
import type WebSocket from 'ws';
import type { RawData } from 'ws';
import { WsClientFrameSchema, type ServerEvent, type WsServerFrame } from '../core/contract.js';
import type { PortholeService } from '../service/service.js';

/**
 * A client may lag by a few MB of deltas beyond the largest snapshot it was sent. Past that it is
 * not reading (a frozen tab, a stalled machine): disconnect it. The page reconnects and starts over
 * from a fresh snapshot, which is cheaper than replaying a backlog.
 */
export const MAX_BACKLOG_BYTES = 4 * 1024 * 1024;

/** Verbs are cheap except kill; a page never needs many at once. */
export const MAX_IN_FLIGHT = 32;

export const CLOSE_UNSUPPORTED_DATA = 1003;
export const CLOSE_TOO_SLOW = 1013; // "try again later"

export function attachSession(ws: WebSocket, service: PortholeService): void {
  let allowance = MAX_BACKLOG_BYTES;
  let inFlight = 0;

  const sendFrame = (frame: WsServerFrame): void => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > allowance) {
      ws.close(CLOSE_TOO_SLOW, 'client is not keeping up; reconnect for a fresh snapshot');
      // close() waits for the backlog to drain, which is the problem: cut it.
      ws.terminate();
      return;
    }
    // Encoded once here: given a string, ws measures it and encodes it again (6 MB at 21,000 sockets).
    const data = Buffer.from(JSON.stringify(frame));
    if (frame.kind === 'event' && frame.event.type === 'snapshot') {
      allowance = Math.max(allowance, MAX_BACKLOG_BYTES + data.length);
    }
    ws.send(data, { binary: false });
  };

  // A tab's pause is its own, and ends with this connection (see PauseScope).
  const session = service.openSession((event: ServerEvent) => sendFrame({ kind: 'event', event }), { pauseScope: 'own' });

  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (isBinary) {
      ws.close(CLOSE_UNSUPPORTED_DATA, 'text frames only');
      return;
    }
    const frame = parseFrame(data);
    if (!frame.ok) {
      // Without a usable id no call waits for an answer: say so in a frame any page may ignore.
      if (frame.id !== undefined) sendFrame({ kind: 'reply', id: frame.id, ok: false, error: frame.error });
      else sendFrame({ kind: 'rejected', error: `${frame.error}; no usable id, so nothing ran` });
      return;
    }
    const { id, verb, args } = frame;
    if (inFlight >= MAX_IN_FLIGHT) {
      sendFrame({ kind: 'reply', id, ok: false, error: `too many requests in flight (at most ${MAX_IN_FLIGHT})` });
      return;
    }
    inFlight++;
    session.handle(verb, args).then(
      (result) => sendFrame({ kind: 'reply', id, ok: true, result: result ?? null }),
      (error: unknown) => sendFrame({ kind: 'reply', id, ok: false, error: error instanceof Error ? error.message : String(error) }),
    ).finally(() => inFlight--);
  });

  ws.on('close', () => session.close());
  // 'close' follows 'error' in ws; nothing else to do but not crash the server.
  ws.on('error', () => undefined);
}

type ParsedFrame = { ok: true; id: number; verb: string; args: unknown[] } | { ok: false; id: number | undefined; error: string };

function parseFrame(data: RawData): ParsedFrame {
  let json: unknown;
  try {
    json = JSON.parse(rawText(data));
  } catch {
    return { ok: false, id: undefined, error: 'not JSON' };
  }
  const result = WsClientFrameSchema.safeParse(json);
  if (result.success) return { ok: true, ...result.data };
  const id = (json as { id?: unknown } | null)?.id;
  const usable = typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : undefined;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
  // Capped: a frame with thousands of unknown keys must not come back as a message listing them all.
  return { ok: false, id: usable, error: `bad frame${where}: ${issue?.message ?? 'rejected'}`.slice(0, 200) };
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
