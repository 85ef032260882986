// Browser mode's transport: the PortholeApi over one WebSocket to the local Porthole server.
// Request/reply by id, events pushed; reconnects with backoff and asks for a fresh snapshot again,
// so the store reconciles whatever changed while the link was down.
import type { PortholeApi, ServerEvent, Verb, VerbArgs, VerbResults, WsClientFrame, WsServerFrame } from '../main/core/contract.js';

/** The part of the DOM WebSocket this client uses, so tests can hand in a fake. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason?: string }) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export type WebSocketFactory = (url: string) => WebSocketLike;

export interface WsApiOptions {
  url: string;
  createSocket?: WebSocketFactory;
  now?: () => number;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
  random?: () => number;
  /**
   * Asked when a connection fails: is this page still admitted? Browser mode refuses a stale token
   * (a restarted server on the same port) at the HTTP upgrade, which a page only sees as close code
   * 1006, so the client asks plainly.
   */
  checkAdmission?: () => Promise<'admitted' | 'refused' | 'unknown'>;
}

/** The page's own address (its path carries the token) answers 401/403 once that is no longer accepted. */
export async function pageAdmission(href: string): Promise<'admitted' | 'refused' | 'unknown'> {
  try {
    const res = await fetch(href, { method: 'HEAD', credentials: 'omit', cache: 'no-store' });
    return res.status === 401 || res.status === 403 ? 'refused' : 'admitted';
  } catch {
    return 'unknown'; // the server is gone: keep retrying
  }
}

export interface WsApi extends PortholeApi {
  /** Stop reconnecting and close the socket (page teardown, tests). */
  close(): void;
}

const OPEN = 1;
const BACKOFF_START_MS = 500;
const BACKOFF_MAX_MS = 10_000;
/** The server closes with 1008 (policy violation) when the token is wrong: retrying cannot help. */
const POLICY_VIOLATION = 1008;
/**
 * What a call may wait for while a lost link is being retried: the page's own state, which the
 * server has to hear again anyway. An action (plan or run a kill, check a port, open a URL) is
 * refused at once instead: queued, it would run whenever the link came back (in minutes, or never,
 * since a restarted server has a new token), behind a spinner that says nothing.
 */
const WAITS_FOR_RECONNECT: ReadonlySet<Verb> = new Set<Verb>(['ready', 'getSettings', 'setSettings', 'pause', 'resume']);
const NOT_CONNECTED = 'Not connected to Porthole: the connection was lost and is being retried. Try again once it is back.';

/**
 * The WebSocket beside the page: the page is http://HOST/<token>/ (or .../<token>/index.html,
 * .../<token>/tray.html), the socket ws://HOST/<token>/ws. The token is never read or handled
 * here: it is simply part of the page's folder.
 */
export function wsUrl(loc: Pick<Location, 'protocol' | 'host' | 'pathname'>): string {
  const folder = loc.pathname.slice(0, loc.pathname.lastIndexOf('/') + 1);
  const scheme = loc.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${loc.host}${folder}ws`;
}

export function createWsApi(options: WsApiOptions): WsApi {
  const createSocket = options.createSocket ?? ((url: string) => new WebSocket(url) as unknown as WebSocketLike);
  const now = options.now ?? Date.now;
  const setTimer = options.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms));
  const clearTimer = options.clearTimeout ?? ((h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>));
  const random = options.random ?? Math.random;
  const checkAdmission = options.checkAdmission;

  const listeners = new Set<(e: ServerEvent) => void>();
  const inFlight = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  /** Frames waiting for the socket to open, by request id (insertion order is send order). */
  const unsent = new Map<number, { verb: string; text: string }>();
  let nextId = 1;
  let socket: WebSocketLike | null = null;
  let attempt = 0;
  let retryTimer: unknown = null;
  let closed = false;
  let readyWanted = false;
  /** This tab's own pause: the server forgets it with the connection, so a reconnect says it again. */
  let pauseWanted = false;
  let everOpened = false;

  const emit = (event: ServerEvent) => {
    for (const l of [...listeners]) l(event);
  };

  const send = (verb: string, args: unknown[], id: number) => {
    const frame: WsClientFrame = { id, verb, args };
    const text = JSON.stringify(frame);
    if (socket && socket.readyState === OPEN) socket.send(text);
    else unsent.set(id, { verb, text });
  };

  const onMessage = (data: unknown) => {
    if (typeof data !== 'string') return;
    let frame: WsServerFrame;
    try {
      frame = JSON.parse(data) as WsServerFrame;
    } catch {
      return;
    }
    // 'rejected' answers a frame that named no request; this client always names one, so there is
    // nothing to do with it (nor with any kind a newer server may add).
    if (frame?.kind === 'event' && frame.event && typeof frame.event.type === 'string') emit(frame.event);
    else if (frame?.kind === 'reply' && typeof frame.id === 'number') {
      const waiter = inFlight.get(frame.id);
      if (!waiter) return;
      inFlight.delete(frame.id);
      if (frame.ok) waiter.resolve(frame.result);
      else waiter.reject(new Error(frame.error));
    }
  };

  const connect = () => {
    retryTimer = null;
    if (closed) return;
    const ws = createSocket(options.url);
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      const reconnected = everOpened;
      everOpened = true;
      // After a reconnect the server has forgotten us: ask again for the full snapshot, and pause
      // again first if this tab was paused, so the status that comes with the snapshot already says so.
      const queued = (verb: Verb) => [...unsent.values()].some((f) => f.verb === verb);
      if (reconnected && pauseWanted && !queued('pause') && !queued('resume')) ws.send(JSON.stringify({ id: 0, verb: 'pause', args: [] } satisfies WsClientFrame));
      if (reconnected && readyWanted && !queued('ready')) ws.send(JSON.stringify({ id: 0, verb: 'ready', args: [] } satisfies WsClientFrame));
      for (const { text } of unsent.values()) ws.send(text);
      unsent.clear();
    };
    ws.onmessage = (ev) => onMessage(ev.data);
    ws.onerror = () => {
      /* a close event follows with the code */
    };
    ws.onclose = (ev) => {
      if (socket !== ws) return;
      socket = null;
      for (const [id, waiter] of inFlight) {
        // Replies to frames still queued can come after the reconnect; the rest are lost.
        if (!unsent.has(id)) {
          inFlight.delete(id);
          waiter.reject(new Error('The connection to Porthole was lost before it answered.'));
        }
      }
      if (closed) return;
      if (ev.code === POLICY_VIOLATION) return refused();
      if (checkAdmission) {
        void checkAdmission().then((answer) => {
          if (closed) return;
          if (answer === 'refused') refused();
          else scheduleRetry();
        });
        return;
      }
      scheduleRetry();
    };
  };

  const refused = () =>
    emit({
      type: 'error',
      message: 'The Porthole server refused this page. Open the whole address `porthole serve` printed this time (it changes at every start).',
      at: now(),
      retryInMs: 0,
      lastGoodAt: null,
    });

  const scheduleRetry = () => {
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 2 ** attempt);
    // ±25% jitter, so several tabs don't reconnect in lockstep.
    const delay = Math.round(base * (0.75 + random() * 0.5));
    attempt++;
    emit({
      type: 'error',
      message: everOpened ? 'Lost the connection to Porthole.' : 'Cannot reach the Porthole server.',
      at: now(),
      retryInMs: delay,
      lastGoodAt: null,
    });
    retryTimer = setTimer(connect, delay);
  };

  connect();

  return {
    transport: 'websocket',
    onEvent(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    call<V extends Verb>(verb: V, ...args: VerbArgs<V>): Promise<VerbResults[V]> {
      if (verb === 'ready') readyWanted = true;
      if (verb === 'pause' || verb === 'resume') pauseWanted = verb === 'pause';
      if (everOpened && socket?.readyState !== OPEN && !WAITS_FOR_RECONNECT.has(verb)) return Promise.reject(new Error(NOT_CONNECTED));
      const id = nextId++;
      return new Promise<VerbResults[V]>((resolve, reject) => {
        inFlight.set(id, { resolve: resolve as (v: unknown) => void, reject });
        send(verb, args as unknown[], id);
      });
    },
    close() {
      closed = true;
      if (retryTimer !== null) clearTimer(retryTimer);
      socket?.close(1000, 'bye');
      socket = null;
      for (const waiter of inFlight.values()) waiter.reject(new Error('closed'));
      inFlight.clear();
    },
  };
}
