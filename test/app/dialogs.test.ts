// The native kill confirmation and the app menu, as the templates Electron is handed.
import { describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { CONFIRM_BUTTON, killConfirmation } from '../../main/app/dialogs.js';
import { appMenuTemplate } from '../../main/app/menu.js';
import type { KillPlanView } from '../../main/core/contract.js';

const plan: KillPlanView = {
  summary: 'Stopping node (pid 4242) frees TCP 127.0.0.1:3000.',
  candidates: [
    { pid: 4242, name: 'node', startTime: 1, role: 'target', ports: ['TCP 127.0.0.1:3000', 'TCP [::1]:3000'] },
    { pid: 4243, name: 'esbuild', startTime: 2, role: 'descendant', ports: [] },
  ],
  refusals: ['pid 1 (systemd) is a system process'],
  restarts: [],
  notes: [],
};

describe('killConfirmation', () => {
  it('names each process, its pid and its ports, with Cancel as the default', () => {
    const box = killConfirmation(plan);
    expect(box.buttons).toEqual(['Cancel', 'Stop 2 processes']);
    expect(box.defaultId).toBe(0);
    expect(box.cancelId).toBe(0);
    expect(CONFIRM_BUTTON).toBe(1);
    expect(box.detail).toContain('node (pid 4242): TCP 127.0.0.1:3000, TCP [::1]:3000');
    expect(box.detail).toContain('esbuild (pid 4243), a child process: no listening ports');
    expect(box.detail).toContain('Not touched: pid 1 (systemd) is a system process');
    expect(box.message).toBe('Stop these 2 processes?');
  });

  it('says first who would start it again, with the command that stops it for good', () => {
    const restarts = [{ text: 'runsv (pid 800) starts node (pid 4242) again as soon as it exits. To stop it for good:', command: 'sv down /etc/service/api' }];
    const box = killConfirmation({ ...plan, restarts, notes: ['1 connection on :3000 is in TIME_WAIT.'] });
    const detail = box.detail!.split('\n');
    const at = detail.indexOf('runsv (pid 800) starts node (pid 4242) again as soon as it exits. To stop it for good: sv down /etc/service/api');
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(detail.indexOf('Not touched: pid 1 (systemd) is a system process'));
    expect(at).toBeLessThan(detail.indexOf('1 connection on :3000 is in TIME_WAIT.'));
  });

  it('says the one name when there is one', () => {
    const box = killConfirmation({ ...plan, candidates: plan.candidates.slice(0, 1), refusals: [] });
    expect(box.message).toBe('Stop node?');
    expect(box.buttons).toEqual(['Cancel', 'Stop process']);
  });
});

describe('appMenuTemplate', () => {
  const roles = (t: MenuItemConstructorOptions[]) => JSON.stringify(t);
  it('macOS: app menu (with Quit), Edit, Window; View only in dev', () => {
    const mac = appMenuTemplate({ platform: 'darwin', dev: false });
    expect(mac.map((m) => m.role ?? m.label)).toEqual(['appMenu', 'editMenu', 'windowMenu']);
    expect(appMenuTemplate({ platform: 'darwin', dev: true }).map((m) => m.role ?? m.label)).toEqual(['appMenu', 'editMenu', 'View', 'windowMenu']);
  });

  it('elsewhere: File with Quit, Edit; reload only in dev', () => {
    const linux = appMenuTemplate({ platform: 'linux', dev: false });
    expect(roles(linux)).toContain('"role":"quit"');
    expect(roles(linux)).not.toContain('reload');
    expect(roles(appMenuTemplate({ platform: 'linux', dev: true }))).toContain('"role":"reload"');
  });
});
