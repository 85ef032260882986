// The one door between renderers and main (VS Code's ipcMain wrapper, in spirit): a single
// `invoke` channel whose handler first proves who is calling, then hands the raw verb and
// arguments to that renderer's Session, where the contract's zod schemas decide. Pure of Electron
// at run time: it takes an ipcMain-like object and a sender check, so Node tests drive it.
import { ContractError, IPC, type ServerEvent } from '../core/contract.js';
import type { EventSink, Session } from '../service/service.js';
import { originOf } from './origin.js';

export interface FrameLike {
  readonly url: string;
  readonly processId: number;
  readonly frameToken: string;
  readonly parent: FrameLike | null;
}

export interface ContentsLike {
  readonly id: number;
  readonly mainFrame: FrameLike;
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
}

export interface InvokeEventLike {
  readonly sender: ContentsLike;
  readonly senderFrame: FrameLike | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface SessionOpener {
  openSession(send: EventSink, options?: { visible?: boolean }): Session;
}

export type SenderCheck = (event: InvokeEventLike) => boolean;

export interface Logger {
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/**
 * The caller is the top frame of its page (no iframe, however it got there) and that page is one
 * of ours: app://porthole, or the loopback dev server when unpackaged.
 */
export function createSenderCheck(trustedOrigins: readonly string[]): SenderCheck {
  return (event) => {
    const frame = event.senderFrame;
    const main = event.sender.mainFrame;
    if (!frame || frame.parent !== null) return false;
    if (frame !== main && (frame.processId !== main.processId || frame.frameToken !== main.frameToken)) return false;
    const origin = originOf(frame.url);
    return origin !== null && trustedOrigins.includes(origin);
  };
}

export interface Attached {
  setVisible(visible: boolean): void;
  /** A new page in the same webContents (reload): forget the old page's subscription. */
  restart(): void;
  detach(): void;
}

export class IpcTransport {
  private readonly sessions = new Map<ContentsLike, Session>();

  constructor(
    private readonly options: {
      ipcMain: IpcMainLike;
      service: SessionOpener;
      isTrustedSender: SenderCheck;
      log?: Logger;
    },
  ) {
    options.ipcMain.handle(IPC.invoke, (event, verb, args) => this.invoke(event, verb, args));
  }

  /** Register a webContents we created (main window, tray popup): only these may call. */
  attach(contents: ContentsLike, options: { visible: boolean }): Attached {
    let visible = options.visible;
    const open = () => {
      const send = (event: ServerEvent) => {
        if (!contents.isDestroyed()) contents.send(IPC.event, event);
      };
      const session = this.options.service.openSession(send, { visible });
      this.sessions.set(contents, session);
      return session;
    };
    open();
    return {
      setVisible: (v) => {
        visible = v;
        this.sessions.get(contents)?.setVisible(v);
      },
      restart: () => {
        this.sessions.get(contents)?.close();
        open();
      },
      detach: () => {
        this.sessions.get(contents)?.close();
        this.sessions.delete(contents);
      },
    };
  }

  dispose(): void {
    this.options.ipcMain.removeHandler(IPC.invoke);
    for (const session of this.sessions.values()) session.close();
    this.sessions.clear();
  }

  private async invoke(event: InvokeEventLike, verb: unknown, args: unknown): Promise<unknown> {
    const session = this.sessions.get(event.sender);
    if (!session || !this.options.isTrustedSender(event)) {
      this.options.log?.warn('ipc: refused a call from an unknown sender', event.senderFrame?.url ?? '(no frame)');
      throw new Error('Refused: this page may not talk to Porthole.');
    }
    try {
      return await session.handle(verb, args);
    } catch (error) {
      throw publicError(error, this.options.log);
    }
  }
}

/**
 * What the renderer sees of a failure: the message only. Electron serialises just the message of a
 * rejected invoke, but an Error built here also guarantees no stack or extra fields ride along.
 */
export function publicError(error: unknown, log?: Logger): Error {
  if (error instanceof ContractError) return new Error(error.message);
  log?.error('ipc: a verb failed', error);
  const message = error instanceof Error ? error.message : String(error);
  return new Error(message.split('\n')[0]?.slice(0, 500) || 'Something went wrong.');
}
