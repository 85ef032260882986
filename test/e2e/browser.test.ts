// The app in Chromium against `porthole serve` (the real bundled command), with real loopback
// sockets held by children this test spawned. Only those children are ever signalled.
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, freePort, isRunning, spawnHelper, spawnScript } from '../core/spawned.js';
import { ContractClient } from '../serve/clients.js';
import { rendererMissing, startServe, type ServeProcess } from '../serve/run-serve.js';
import { chromiumMissing, launchChromium } from './chromium.js';
import { lowContrastText } from './contrast.js';
import { removeServerFolders, spawnWatchedServer } from '../core/watched-server.js';

const missing = chromiumMissing() ?? rendererMissing();
if (missing) console.warn(`test/e2e/browser.test.ts skipped: ${missing}`);

const SHOTS = 'test-results';
// Chromium resolves this name to 127.0.0.1 itself: a DNS-rebinding attacker's page, without DNS.
const EVIL = 'evil.example';

// The whole app, a real poll loop and real kills: more room than a unit test on a busy 2-core box.
describe.skipIf(missing !== undefined)('browser mode in Chromium', { timeout: 60_000 }, () => {
  let serve: ServeProcess;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    serve = await startServe({ settings: { intervalMs: 250 } });
    browser = await launchChromium([`--host-resolver-rules=MAP ${EVIL} 127.0.0.1`]);
  });

  afterAll(async () => {
    await browser?.close();
    removeServerFolders();
    if (serve) expect(await serve.stop()).toEqual({ code: 0, signal: null });
  });

  afterEach(async ({ task }) => {
    // A failed test leaves a picture of what the page showed, for CI.
    if (task.result?.state === 'fail') {
      const pages = contexts.flatMap((c) => c.pages());
      for (const [i, page] of pages.entries()) {
        await page.screenshot({ path: `${SHOTS}/failed-${task.name.replace(/\W+/g, '-').slice(0, 60)}-${i}.png` }).catch(() => undefined);
      }
    }
    for (const c of contexts.splice(0)) await c.close();
    await cleanup();
    expect(pageErrors.splice(0)).toEqual([]);
  });

  async function newPage(options: { width?: number; height?: number; bypassCSP?: boolean; colorScheme?: 'light' | 'dark' } = {}): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
      bypassCSP: options.bypassCSP ?? false,
      colorScheme: options.colorScheme ?? 'light',
    });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    return page;
  }

  /** A page of the app by its path under the token, as the printed address leads to it. */
  const appUrl = (path: string, host = '127.0.0.1') => `http://${host}:${serve.port}/${serve.token}${path}`;

  async function openApp(path = '/', options: { colorScheme?: 'light' | 'dark' } = {}): Promise<Page> {
    // The filter text is a persisted setting: an earlier test's filter would be restored into the box.
    await setSettings({ filter: '' });
    const page = await newPage(options);
    const response = await page.goto(appUrl(path));
    expect(response?.status()).toBe(200);
    return page;
  }

  /** The row whose local-address cell is exactly `endpoint` ("127.0.0.1:3000", "[::1]:3000"). */
  function row(page: Page, endpoint: string): Locator {
    return page.getByRole('row').filter({ has: page.getByRole('gridcell', { name: endpoint, exact: true }) });
  }

  async function filterTo(page: Page, text: string): Promise<void> {
    // A labelled search field (role searchbox) or text field: either is "the Filter box".
    const box = page.getByLabel('Filter', { exact: true });
    await box.fill('');
    await box.pressSequentially(text);
    expect(await box.inputValue()).toBe(text);
  }

  async function setSettings(patch: Record<string, unknown>): Promise<void> {
    const admin = await ContractClient.connect(serve.port, { token: serve.token });
    try {
      expect((await admin.request('setSettings', [patch])).ok).toBe(true);
    } finally {
      admin.close();
    }
  }

  /** Data rows the grid says it has (virtualised: not all are in the DOM). */
  function waitForRowCount(page: Page, n: number): Promise<unknown> {
    // A function, not a string: the page's CSP forbids eval, and Playwright would eval a string.
    return page.waitForFunction((want) => (globalThis as unknown as Dom).document.querySelector('[role="grid"]')?.getAttribute('aria-rowcount') === String(want + 1), n);
  }

  it('all text keeps 4.5:1 contrast in light and dark: table, details, port check, pressed toggles, the kill dialog under the pointer, tray', async () => {
    const listener = await spawnHelper({ host: '127.0.0.1' });
    // Another process on [::1] of the same port: a conflict, so the warning colours show too.
    const v6 = await spawnScript(LISTEN_SCRIPT, { args: ['::1', String(listener.port)] });
    expect(v6.info.port).toBe(listener.port);
    const failures: string[] = [];
    const check = async (page: Page, where: string) => failures.push(...(await lowContrastText(page)).map((f) => `${where}: ${f}`));
    await setSettings({ watchedPorts: [listener.port] }); // so the tray lists it
    try {
      for (const colorScheme of ['light', 'dark'] as const) {
        // Both toggles start released, so each scheme sees them pressed under the pointer.
        await setSettings({ groupByProcess: false, listeningOnly: true });
        const page = await openApp('/', { colorScheme });
        await filterTo(page, `port:${listener.port}`);
        await row(page, `[::1]:${listener.port}`).getByText('conflict', { exact: true }).waitFor({ state: 'attached' });
        await row(page, `127.0.0.1:${listener.port}`).click();
        await page.getByRole('complementary').waitFor();
        await check(page, `${colorScheme}, details`);
        await page.getByRole('complementary').getByRole('button', { name: `Can a server bind :${listener.port}?` }).click();
        await page.getByRole('region', { name: 'Port check' }).getByText("can't bind").waitFor();
        await check(page, `${colorScheme}, port check`);
        // Pressed, and still under the pointer: hover styles must not undo the pressed colours.
        const toggles = [
          [page.getByRole('radio', { name: 'All' }), 'aria-checked'],
          [page.getByRole('button', { name: 'Group by process' }), 'aria-pressed'],
        ] as const;
        for (const [control, state] of toggles) {
          await control.click();
          expect(await control.getAttribute(state)).toBe('true');
          await check(page, `${colorScheme}, ${await control.textContent()} pressed`);
        }
        await page.getByRole('complementary').getByRole('button', { name: 'Kill' }).click();
        const dialog = page.getByRole('dialog');
        await dialog.getByRole('button', { name: 'Kill' }).hover();
        await check(page, `${colorScheme}, kill dialog`);
        await dialog.getByRole('button', { name: 'Cancel' }).click();
        await page.goto(appUrl('/tray.html'));
        await page.getByText(`:${listener.port}`).first().waitFor();
        await check(page, `${colorScheme}, tray`);
      }
    } finally {
      await setSettings({ groupByProcess: false, listeningOnly: true, watchedPorts: [] });
    }
    expect(failures).toEqual([]);
    expect(isRunning(listener.child)).toBe(true);
  });

  it('shows a spawned listener with its pid', async () => {
    const listener = await spawnHelper({ host: '127.0.0.1' });
    const page = await openApp();
    // The first rows, whatever they are, before the picture of the whole window.
    await page.locator('[role="grid"] [role="row"][data-key]').first().waitFor();
    await page.screenshot({ path: `${SHOTS}/main-view.png` });
    // The table is virtualised: on a busy machine our row may be far below the fold, so narrow first.
    await filterTo(page, `port:${listener.port}`);
    const r = row(page, `127.0.0.1:${listener.port}`);
    await r.getByText(String(listener.pid), { exact: true }).waitFor();
  });

  it('typing port:<P> in the Filter box narrows the table to that row', async () => {
    const listener = await spawnHelper({ host: '127.0.0.1' });
    const page = await openApp();
    await page.locator('[role="grid"] [role="row"][data-key]').first().waitFor();
    await filterTo(page, `port:${listener.port}`);
    await waitForRowCount(page, 1);
    const rows = page.locator('[role="grid"] [role="row"][data-key]');
    expect(await rows.count()).toBe(1);
    expect(await row(page, `127.0.0.1:${listener.port}`).count()).toBe(1);
  });

  it('flags 127.0.0.1:P and [::1]:P held by different processes, on the rows and in the banner', async () => {
    const v4 = await spawnScript(LISTEN_SCRIPT, { args: ['127.0.0.1', '0'] });
    const port = v4.info.port as number;
    const v6 = await spawnScript(LISTEN_SCRIPT, { args: ['::1', String(port)] });
    expect(v6.info.port).toBe(port);
    const page = await openApp();
    await filterTo(page, `port:${port}`);
    for (const endpoint of [`127.0.0.1:${port}`, `[::1]:${port}`]) {
      await row(page, endpoint).getByText('conflict', { exact: true }).waitFor({ state: 'attached' });
    }
    const banner = page.getByRole('region', { name: 'Conflicts', exact: true });
    await banner.getByText(new RegExp(`\\b${port}\\b`)).first().waitFor();
    const text = await banner.textContent();
    expect(text).toContain(String(v4.pid));
    expect(text).toContain(String(v6.pid));
  });

  it('checks whether a server can bind a port: held by our listener, then a free one from the empty table', async () => {
    const listener = await spawnHelper({ host: '127.0.0.1' });
    const page = await openApp();
    await filterTo(page, `port:${listener.port}`);
    await row(page, `127.0.0.1:${listener.port}`).click();
    await page.getByRole('complementary').getByRole('button', { name: `Can a server bind :${listener.port}?` }).click();
    const check = page.getByRole('region', { name: 'Port check' });
    await check.getByText(`No: a TCP server can't bind :${listener.port} now.`).waitFor();
    expect(await check.textContent()).toContain(`TCP 127.0.0.1:${listener.port} is in use by node (pid ${listener.pid}).`);

    const port = await freePort();
    await filterTo(page, `port:${port}`);
    await page.getByRole('button', { name: `Can a server bind :${port}?` }).click();
    await check.getByText(`Yes: a TCP server can bind :${port} now.`).waitFor();
    expect(isRunning(listener.child)).toBe(true);
  });

  it('Kill in the details pane, confirmed in the dialog, stops the process and frees the port', async () => {
    const victim = await spawnHelper({ host: '127.0.0.1' });
    const page = await openApp();
    await filterTo(page, `port:${victim.port}`);
    const r = row(page, `127.0.0.1:${victim.port}`);
    await r.click();
    const details = page.getByRole('complementary');
    await details.getByText(`127.0.0.1:${victim.port}`).first().waitFor();
    await page.screenshot({ path: `${SHOTS}/details-pane.png` });

    await details.getByRole('button', { name: 'Kill', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(`pid ${victim.pid}`, { exact: true }).waitFor();
    expect(isRunning(victim.child)).toBe(true); // nothing happens before the confirmation
    await dialog.getByRole('button', { name: 'Kill', exact: true }).click();
    const exit = await victim.exited;
    expect(exit.signal).toBe('SIGTERM');
    await r.waitFor({ state: 'detached' });
  });

  it('the kill dialog says what would start a watched server again, with the command, readable in light and dark', async () => {
    const { watcher, server } = await spawnWatchedServer();
    const failures: string[] = [];
    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await openApp('/', { colorScheme });
      await filterTo(page, `port:${server.port}`);
      await row(page, `127.0.0.1:${server.port}`).click();
      await page.getByRole('complementary').getByRole('button', { name: 'Kill', exact: true }).click();
      const dialog = page.getByRole('dialog');
      const comeBack = dialog.getByRole('heading', { name: 'It may come back' }).locator('..');
      await comeBack.locator('code').getByText(`porthole kill pid:${watcher.pid} --tree`, { exact: true }).waitFor();
      expect(await comeBack.textContent()).toContain(`node --watch (pid ${watcher.pid}) starts node (pid ${server.pid}) again when a file changes. To stop both:`);
      failures.push(...(await lowContrastText(page)).map((f) => `${colorScheme}: ${f}`));
      await dialog.getByRole('button', { name: 'Cancel' }).click();
    }
    expect(failures).toEqual([]);
    expect(isRunning(watcher.child)).toBe(true);
  });

  it('480 px wide, the table scrolls sideways with its header: each heading stays over its column, and the row spans them all', async () => {
    const listener = await spawnHelper({ host: '127.0.0.1' });
    await setSettings({ filter: '' });
    const page = await newPage({ width: 480, height: 800 });
    await page.goto(appUrl('/'));
    await filterTo(page, `port:${listener.port}`);
    const r = row(page, `127.0.0.1:${listener.port}`);
    await r.click();
    await page.getByRole('complementary').getByRole('button', { name: 'Close details' }).click();
    const scroller = page.locator('.grid-scroll');
    const [scrollWidth, clientWidth] = await scroller.evaluate((e) => [e.scrollWidth, e.clientWidth]);
    expect(scrollWidth).toBeGreaterThan(clientWidth); // too narrow for every column: it scrolls
    await scroller.evaluate((e) => (e.scrollLeft = e.scrollWidth));
    await page.screenshot({ path: `${SHOTS}/narrow-scrolled.png` });
    const left = async (l: Locator) => (await l.boundingBox())!.x;
    for (const [heading, cell] of [
      ['Process', r.getByRole('gridcell').nth(4)],
      ['Flags', r.getByRole('gridcell').nth(6)],
    ] as const) {
      expect(Math.abs((await left(page.getByRole('columnheader', { name: heading }))) - (await left(cell)))).toBeLessThan(1);
    }
    expect(await r.getByRole('gridcell').nth(4).textContent()).toContain(String(listener.pid));
    // The selected row's background and border reach its last cell, not just the first screenful.
    const rowBox = (await r.boundingBox())!;
    const lastCell = (await r.getByRole('gridcell').nth(6).boundingBox())!;
    expect(rowBox.x + rowBox.width).toBeGreaterThanOrEqual(lastCell.x + lastCell.width);
  });

  it('a very long process name is cut in its cell, never the pid beside it', async () => {
    const name = 'a-development-server-whose-name-goes-on-and-on-and-on-and-on';
    const long = await spawnScript(`process.title = ${JSON.stringify(name)};\n${LISTEN_SCRIPT}`, { args: ['127.0.0.1', '0'] });
    const port = long.info.port as number;
    const page = await openApp();
    await filterTo(page, `port:${port}`);
    const cell = row(page, `127.0.0.1:${port}`).getByRole('gridcell').nth(4);
    await cell.getByText(name, { exact: true }).waitFor();
    const pid = cell.getByText(String(long.pid), { exact: true });
    const within = async () => {
      const c = (await cell.boundingBox())!;
      const p = (await pid.boundingBox())!;
      return p.width > 0 && p.x >= c.x && p.x + p.width <= c.x + c.width + 0.5;
    };
    expect(await within()).toBe(true);
    // The details pane narrows the table further: still there.
    await row(page, `127.0.0.1:${port}`).click();
    await page.getByRole('complementary').waitFor();
    await page.screenshot({ path: `${SHOTS}/long-process-name.png` });
    expect(await within()).toBe(true);
    expect(await cell.getByText(name, { exact: true }).getAttribute('title')).toBe(name);
  });

  it('in a short window the banners give way: a port check and a conflict still leave the table and the details room', async () => {
    const v4 = await spawnScript(LISTEN_SCRIPT, { args: ['127.0.0.1', '0'] });
    const port = v4.info.port as number;
    const v6 = await spawnScript(LISTEN_SCRIPT, { args: ['::1', String(port)] });
    expect(v6.info.port).toBe(port);
    await setSettings({ filter: '' });
    const height = 450;
    const page = await newPage({ width: 800, height });
    await page.goto(appUrl('/'));
    await filterTo(page, `port:${port}`);
    await row(page, `127.0.0.1:${port}`).click();
    await page.getByRole('complementary').getByRole('button', { name: `Can a server bind :${port}?` }).click();
    await page.getByRole('region', { name: 'Port check' }).getByText("can't bind").waitFor();
    await page.locator('.banners').getByRole('region', { name: 'Conflicts', exact: true }).waitFor();
    await page.screenshot({ path: `${SHOTS}/short-window-banners.png` });
    const box = async (selector: string) => (await page.locator(selector).boundingBox())!;
    expect((await box('.workspace')).height).toBeGreaterThanOrEqual(0.4 * height - 1);
    // Both rows of the conflict, the details' actions and the status line are on screen.
    for (const endpoint of [`127.0.0.1:${port}`, `[::1]:${port}`]) {
      const r = (await row(page, endpoint).boundingBox())!;
      expect(r.y + r.height).toBeLessThanOrEqual((await box('.statusbar')).y);
    }
    const kill = (await page.getByRole('complementary').getByRole('button', { name: 'Kill', exact: true }).boundingBox())!;
    expect(kill.y + kill.height).toBeLessThanOrEqual((await box('.statusbar')).y);
    const status = await box('.statusbar');
    expect(status.y + status.height).toBeLessThanOrEqual(height + 0.5);
  });

  it('a dropped connection: the data stays with a banner, an action fails at once, and a paused tab is still paused when the link is back', async () => {
    const listener = await spawnHelper({ host: '127.0.0.1' });
    await setSettings({ filter: '' });
    const page = await newPage();
    // The page's WebSocket through Playwright: passed to the server, or cut, at the test's word.
    let down = false;
    const links: Array<{ close(): Promise<void> }> = [];
    await page.routeWebSocket(/\/ws$/, (ws) => {
      if (down) return void ws.close();
      ws.connectToServer();
      links.push(ws);
    });
    expect((await page.goto(appUrl('/')))?.status()).toBe(200);
    await filterTo(page, `pid:${listener.pid}`);
    const r = row(page, `127.0.0.1:${listener.port}`);
    await r.click();
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByText('Paused: the view is frozen').waitFor();

    down = true;
    for (const ws of links.splice(0)) await ws.close();
    await page.locator('.banner-error').getByText('Lost the connection to Porthole.').waitFor();
    expect(await r.count()).toBe(1); // the data stays
    // Kill while the link is down: said at once, not a "Checking…" that waits for a reconnect.
    await page.getByRole('complementary').getByRole('button', { name: 'Kill', exact: true }).click();
    await page.getByRole('alert').getByText(/Not connected to Porthole/).waitFor({ timeout: 3000 });
    expect(await page.getByRole('dialog').count()).toBe(0);
    await page.getByRole('button', { name: 'Dismiss' }).click();

    down = false;
    await page.locator('.banner-error').waitFor({ state: 'detached', timeout: 20_000 });
    // Still this tab's pause: the server heard it again with the reconnect.
    listener.child.kill('SIGTERM');
    await listener.exited;
    await new Promise((resolve) => setTimeout(resolve, 1500)); // several polls at 250 ms
    expect(await page.getByRole('button', { name: 'Resume' }).count()).toBe(1);
    expect(await r.textContent()).not.toContain('(closed)');
    await page.getByRole('button', { name: 'Resume' }).click();
    await r.waitFor({ state: 'detached' });
  });

  it('the tray quick-view renders, with a watched port taken by our listener', async () => {
    const listener = await spawnHelper({ host: '127.0.0.1' });
    // Pin our listener's port (the tray lists watched ports and the 1024-32767 dev range only).
    await setSettings({ watchedPorts: [listener.port] });
    try {
      const page = await newPage({ width: 380, height: 520 });
      const response = await page.goto(appUrl('/tray.html'));
      expect(response?.status()).toBe(200);
      await page.getByText(`:${listener.port}`, { exact: true }).waitFor();
      await page.getByText(String(listener.pid)).first().waitFor();
      await page.screenshot({ path: `${SHOTS}/tray-popup.png` });
    } finally {
      await setSettings({ watchedPorts: [] });
    }
  });

  it('without the token in the path the browser gets 401 and no app, ?token= included', async () => {
    for (const url of [`http://127.0.0.1:${serve.port}/`, `http://127.0.0.1:${serve.port}/?token=${serve.token}`]) {
      const page = await newPage();
      const response = await page.goto(url);
      expect(response?.status()).toBe(401);
      expect(await page.textContent('body')).toContain('Unauthorized');
      expect(await page.locator('#root').count()).toBe(0);
    }
  });

  it('under a rebound name the page is 403 even with the token, and its WebSocket is refused', async () => {
    const page = await newPage({ bypassCSP: true });
    const response = await page.goto(appUrl('/', EVIL));
    expect(response?.status()).toBe(403);
    expect(await page.locator('#root').count()).toBe(0);
    // Even a page that somehow knew the token cannot open the socket from a foreign origin.
    const outcome = await page.evaluate(
      ({ port, token }) =>
        new Promise<{ opened: boolean; code: number }>((resolve) => {
          let opened = false;
          const ws = new WebSocket(`ws://127.0.0.1:${port}/${token}/ws`);
          ws.onopen = () => (opened = true);
          ws.onclose = (e) => resolve({ opened, code: e.code });
        }),
      { port: serve.port, token: serve.token },
    );
    expect(outcome).toEqual({ opened: false, code: 1006 });
  });

  it('"Open in browser" on another local server sends it no secret: no cookie, no Referer, no token', async () => {
    // Another program's server on 127.0.0.1, which records what the browser sends it.
    const seen: Array<http.IncomingHttpHeaders & { url?: string }> = [];
    const other = http.createServer((req, res) => {
      seen.push({ ...req.headers, url: req.url });
      res.end('another server');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const { port } = other.address() as AddressInfo;
    try {
      // The app loaded under localhost, the very name the link uses: a cookie would be same-site there.
      await setSettings({ filter: '' });
      const page = await newPage();
      expect((await page.goto(appUrl('/', 'localhost')))?.status()).toBe(200);
      await filterTo(page, `port:${port}`);
      await row(page, `127.0.0.1:${port}`).click();
      const opened = page.context().waitForEvent('page');
      await page.getByRole('complementary').getByRole('button', { name: 'Open in browser' }).click();
      const tab = await opened;
      await tab.getByText('another server').waitFor();
      expect(seen.length).toBeGreaterThan(0);
      for (const headers of seen) {
        expect(JSON.stringify(headers)).not.toContain(serve.token);
        expect(headers.cookie).toBeUndefined();
        // Its own favicon request may name its own page; nothing may name ours.
        expect(headers.referer ?? `http://localhost:${port}/`).toBe(`http://localhost:${port}/`);
      }
      expect(seen.find((h) => h.url === '/')?.referer).toBeUndefined();
      expect(await page.context().cookies()).toEqual([]);
    } finally {
      other.close();
    }
  });

  it('localhost:PORT works like 127.0.0.1:PORT', async () => {
    const listener = await spawnHelper({ host: '127.0.0.1' });
    await setSettings({ filter: '' });
    const page = await newPage();
    const response = await page.goto(appUrl('/', 'localhost'));
    expect(response?.status()).toBe(200);
    await filterTo(page, `port:${listener.port}`);
    await row(page, `127.0.0.1:${listener.port}`).waitFor();
  });
});

/**
 * The page's document as page functions see it: this project's TypeScript has no DOM types outside
 * the renderer, and a page function can only use what it names itself (it is serialised).
 */
interface Dom {
  document: { querySelector(selector: string): { getAttribute(name: string): string | null; textContent: string | null } | null };
}

/** argv: host port. Listens, prints {"port"} once listening. */
const LISTEN_SCRIPT = `
const [host, port] = process.argv.slice(-2);
const srv = require('net').createServer((c) => c.destroy());
srv.listen(Number(port), host, () => process.stdout.write(JSON.stringify({ port: srv.address().port }) + '\\n'));
setInterval(() => {}, 1000);
`;

