// The IPC wrapper with a fake ipcMain and fake senders: only our own windows' top frames on our
// own origin get through, and the contract refuses bad arguments before anything happens.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { IpcTransport, createSenderCheck, publicError } from '../../main/app/ipc.js';
import { APP_ORIGIN } from '../../main/app/origin.js';
import { ContractError, IPC, type ServerEvent } from '../../main/core/contract.js';
import type { PortholeService } from '../../main/service/service.js';
import { FakeIpcMain, eventFrom, fakeContents, fakeFrame, makeService } from './fakes.js';

const services: PortholeService[] = [];
afterEach(() => {
  for (const s of services.splice(0)) s.dispose();
});

function setup(trusted: string[] = [APP_ORIGIN]) {
  const made = makeService();
  services.push(made.service);
  const ipcMain = new FakeIpcMain();
  const log = { warn: vi.fn(), error: vi.fn() };
  const transport = new IpcTransport({ ipcMain, service: made.service, isTrustedSender: createSenderCheck(trusted), log });
  const contents = fakeContents();
  const attached = transport.attach(contents, { visible: true });
  const call = (verb: unknown, args: unknown, event = eventFrom(contents)) => ipcMain.invoke(IPC.invoke, event, verb, args);
  return { ...made, ipcMain, transport, contents, attached, call, log };
}

describe('IpcTransport', () => {
  it('registers exactly one handler, on the invoke channel', () => {
    const { ipcMain, transport } = setup();
    expect([...ipcMain.handlers.keys()]).toEqual([IPC.invoke]);
    transport.dispose();
    expect(ipcMain.handlers.size).toBe(0);
  });

  it('passes a valid call from our window to its session', async () => {
    const { call, settings } = setup();
    await expect(call('getSettings', [])).resolves.toEqual(settings.get());
    await expect(call('setSettings', [{ intervalMs: 2000 }])).resolves.toMatchObject({ intervalMs: 2000 });
    expect(settings.get().intervalMs).toBe(2000);
  });

  it('sends events only after the page said ready, on the event channel', async () => {
    const { call, contents, monitor, settings } = setup();
    settings.update({ filter: 'x' });
    expect(contents.sent).toEqual([]);
    await call('ready', []);
    const types = contents.sent.map(([channel, event]) => `${String(channel)} ${(event as ServerEvent).type}`);
    expect(types).toEqual([`${IPC.event} settings`, `${IPC.event} status`]);
    monitor.emit({ type: 'error', seq: 1, message: 'ss failed', at: 1, retryInMs: 1000, lastGoodAt: null });
    expect(contents.sent.at(-1)).toEqual([IPC.event, { type: 'error', message: 'ss failed', at: 1, retryInMs: 1000, lastGoodAt: null }]);
  });

  it('sends nothing to a destroyed webContents', async () => {
    const { call, contents, monitor } = setup();
    await call('ready', []);
    const before = contents.sent.length;
    contents.destroyed = true;
    monitor.emit({ type: 'error', seq: 1, message: 'x', at: 1, retryInMs: 1, lastGoodAt: null });
    expect(contents.sent.length).toBe(before);
  });

  it('rejects an unknown verb with a clean message', async () => {
    const { call } = setup();
    const error = await call('rmrf', []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('unknown verb "rmrf"');
    expect(error).not.toBeInstanceOf(ContractError);
  });

  it('rejects a call from a sub-frame of our own page', async () => {
    const { call, contents, log } = setup();
    const child = fakeFrame('app://porthole/index.html', contents.mainFrame);
    await expect(call('getSettings', [], eventFrom(contents, child))).rejects.toThrow(/Refused/);
    expect(log.warn).toHaveBeenCalled();
  });

  it('rejects a call from a frame that is not the main frame, even without a parent', async () => {
    const { call, contents } = setup();
    await expect(call('getSettings', [], eventFrom(contents, fakeFrame('app://porthole/index.html')))).rejects.toThrow(/Refused/);
    await expect(call('getSettings', [], eventFrom(contents, null))).rejects.toThrow(/Refused/);
  });

  it('rejects our window once it shows a foreign origin', async () => {
    const { ipcMain, transport } = setup();
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'app://evil/index.html', 'http://localhost:5173/index.html']) {
      const contents = fakeContents(url);
      transport.attach(contents, { visible: true });
      await expect(ipcMain.invoke(IPC.invoke, eventFrom(contents), 'getSettings', [])).rejects.toThrow(/Refused/);
    }
  });

  it('accepts the dev server only when it is among the trusted origins', async () => {
    const { ipcMain, transport } = setup([APP_ORIGIN, 'http://localhost:5173']);
    const contents = fakeContents('http://localhost:5173/tray.html');
    transport.attach(contents, { visible: false });
    await expect(ipcMain.invoke(IPC.invoke, eventFrom(contents), 'getSettings', [])).resolves.toBeTruthy();
  });

  it("rejects a webContents we didn't create, whatever its URL", async () => {
    const { ipcMain } = setup();
    const stranger = fakeContents('app://porthole/index.html');
    await expect(ipcMain.invoke(IPC.invoke, eventFrom(stranger), 'getSettings', [])).rejects.toThrow(/Refused/);
  });

  it('rejects calls after the window is gone', async () => {
    const { call, attached } = setup();
    attached.detach();
    await expect(call('getSettings', [])).rejects.toThrow(/Refused/);
  });

  it('refuses a kill with nothing confirmed, before anything is looked up', async () => {
    const confirmKill = vi.fn(async () => true);
    const { call, monitor, service } = setup();
    const kill = vi.spyOn(service, 'kill');
    const plan = vi.spyOn(service, 'planKill');
    service.deps.confirmKill = confirmKill;
    await expect(call('kill', [{ target: { port: 3000 }, tree: false, force: false, confirmed: [] }])).rejects.toThrow(/kill: invalid arguments at 0\.confirmed/);
    expect(kill).not.toHaveBeenCalled();
    expect(plan).not.toHaveBeenCalled();
    expect(confirmKill).not.toHaveBeenCalled();
    expect(monitor.pollNow).not.toHaveBeenCalled();
  });

  it('refuses planKill on port 70000', async () => {
    const { call, service } = setup();
    const plan = vi.spyOn(service, 'planKill');
    await expect(call('planKill', [{ target: { port: 70000 }, tree: false }])).rejects.toThrow(/planKill: invalid arguments/);
    expect(plan).not.toHaveBeenCalled();
  });

  it('refuses setSettings with an unknown key, and leaves the settings file as it was', async () => {
    const { call, file, settings } = setup();
    const before = readFileSync(file, 'utf8');
    const listener = vi.fn();
    settings.onChange(listener);
    await expect(call('setSettings', [{ intervalMs: 500, evil: true }])).rejects.toThrow(/setSettings: invalid arguments/);
    await expect(call('setSettings', [{ intervalMs: 5 }])).rejects.toThrow(/setSettings: invalid arguments/);
    await expect(call('setSettings', 'not an array')).rejects.toThrow(/setSettings: invalid arguments/);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(listener).not.toHaveBeenCalled();
  });

  it('opens only loopback URLs', async () => {
    const openExternal = vi.fn(async () => undefined);
    const { call, service } = setup();
    service.deps.openExternal = openExternal;
    await expect(call('openExternal', ['https://evil.example/'])).resolves.toBe(false);
    await expect(call('openExternal', ['http://localhost:3000/'])).resolves.toBe(true);
    expect(openExternal).toHaveBeenCalledTimes(1);
    expect(openExternal).toHaveBeenCalledWith('http://localhost:3000/');
  });

  it('a reload starts a fresh session: the new page gets a full start again', async () => {
    const { call, contents, attached, monitor } = setup();
    await call('ready', []);
    attached.restart();
    const before = contents.sent.length;
    monitor.emit({ type: 'error', seq: 1, message: 'x', at: 1, retryInMs: 1, lastGoodAt: null });
    expect(contents.sent.length).toBe(before); // the new page has not said ready yet
    await call('ready', []);
    expect((contents.sent.at(-2)?.[1] as ServerEvent).type).toBe('settings');
  });

  it('visibility reaches the service: a hidden window with nothing watched lets polling idle', async () => {
    const { attached, settings, monitor, service } = setup();
    settings.update({ watchedPorts: [] });
    expect(service.status.idle).toBe(false);
    attached.setVisible(false);
    expect(service.status.idle).toBe(true);
    expect(monitor.pause).toHaveBeenCalled();
    attached.setVisible(true);
    expect(service.status.idle).toBe(false);
  });
});

describe('publicError', () => {
  it('keeps a contract message and only the first line of anything else', () => {
    expect(publicError(new ContractError('diagnose: invalid arguments')).message).toBe('diagnose: invalid arguments');
    const log = { warn: vi.fn(), error: vi.fn() };
    const error = publicError(new Error('spawn ss ENOENT\n    at Object.<anonymous> (/secret/path.js:1:1)'), log);
    expect(error.message).toBe('spawn ss ENOENT');
    expect(Object.keys(error)).toEqual([]);
    expect(log.error).toHaveBeenCalled();
    expect(publicError('weird').message).toBe('weird');
  });
});
