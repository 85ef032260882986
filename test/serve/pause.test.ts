// Pause in browser mode belongs to the tab that pressed it: other tabs keep their live table, and a
// tab's pause ends with its connection. Real pages' side of the contract over real WebSockets, a
// real server polling the real machine every 250 ms, real listeners spawned to make deltas.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServerEvent } from '../../main/core/contract.js';
import { cleanup, spawnHelper } from '../core/spawned.js';
import { ContractClient } from './clients.js';
import { startFixture, type Fixture } from './fixture.js';

let f: Fixture;
const clients: ContractClient[] = [];
beforeEach(async () => {
  // A server per test: a pause left over from another test must not decide this one.
  f = await startFixture();
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await cleanup();
  await f.stop();
});

/** A tab: connected, and `ready` (so it is sent status, a snapshot, then deltas). */
async function openTab(): Promise<ContractClient> {
  const client = await ContractClient.connect(f.server.port, { token: f.server.token });
  clients.push(client);
  expect((await client.request('ready', [])).ok).toBe(true);
  await client.waitForEvent((e) => e.type === 'snapshot');
  return client;
}

/**
 * The paused flag of the last status this tab was sent. A request first: one socket delivers in
 * order, so its reply comes after every status the server had already sent this tab.
 */
async function pausedShown(client: ContractClient): Promise<boolean | undefined> {
  await client.request('getSettings', []);
  const statuses = client.frames.flatMap((x) => (x.kind === 'event' && x.event.type === 'status' ? [x.event.status.paused] : []));
  return statuses.at(-1);
}

/** A delta that adds a TCP listener on `port`, within `ms`; undefined when none came. */
async function deltaAdding(client: ContractClient, port: number, ms: number, from = 0): Promise<ServerEvent | undefined> {
  const adds = (e: ServerEvent) => e.type === 'delta' && e.delta.added.some((s) => s.protocol === 'tcp' && s.localPort === port);
  return Promise.race([client.waitForEvent(adds, from), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms))]);
}

/** Until the server has noticed that `client` went away (its session closed). */
async function closeTab(client: ContractClient): Promise<void> {
  client.close();
  await client.closed;
  await new Promise((resolve) => setTimeout(resolve, 50));
}

describe('pause in browser mode', () => {
  it('a tab that paused and then closed leaves the other tabs, and new ones, live', async () => {
    const pauser = await openTab();
    const other = await openTab();
    expect((await pauser.request('pause', [])).ok).toBe(true);
    expect(await pausedShown(pauser)).toBe(true);
    await closeTab(pauser);

    const listener = await spawnHelper({ host: '127.0.0.1' });
    expect(await deltaAdding(other, listener.port!, 10_000), 'the open tab still gets deltas').toBeDefined();
    expect(await pausedShown(other)).toBe(false);

    const later = await openTab();
    expect(await pausedShown(later), 'a new tab starts unpaused').toBe(false);
    const second = await spawnHelper({ host: '127.0.0.1' });
    expect(await deltaAdding(later, second.port!, 10_000), 'the new tab gets deltas').toBeDefined();
  });

  it("one tab's pause is its own: the others are told they are live and keep getting deltas", async () => {
    const pauser = await openTab();
    const other = await openTab();
    const from = other.frames.length;
    expect((await pauser.request('pause', [])).ok).toBe(true);
    expect(await pausedShown(pauser)).toBe(true);
    expect(await pausedShown(other)).toBe(false);
    // ...and no status it was sent since the pause said otherwise.
    const statuses = other.frames.slice(from).flatMap((x) => (x.kind === 'event' && x.event.type === 'status' ? [x.event.status.paused] : []));
    expect(statuses.every((paused) => paused === false)).toBe(true);

    const listener = await spawnHelper({ host: '127.0.0.1' });
    expect(await deltaAdding(other, listener.port!, 10_000)).toBeDefined();
    // A new tab opened meanwhile starts live too.
    expect(await pausedShown(await openTab())).toBe(false);
  });

  it('once every open tab has paused, polling stops; one resuming starts it again for all', async () => {
    const a = await openTab();
    const b = await openTab();
    await a.request('pause', []);
    await b.request('pause', []);
    // A poll already under way when the pause came may still finish: let it, before the listener exists.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const fromA = a.frames.length;
    const fromB = b.frames.length;
    const listener = await spawnHelper({ host: '127.0.0.1' });
    // Six poll intervals with nothing: the server stopped polling, it did not just lag.
    expect(await deltaAdding(a, listener.port!, 1_500, fromA)).toBeUndefined();
    expect(await deltaAdding(b, listener.port!, 0, fromB)).toBeUndefined();

    expect((await a.request('resume', [])).ok).toBe(true);
    expect(await pausedShown(a)).toBe(false);
    expect(await pausedShown(b), "b's own pause still holds").toBe(true);
    expect(await deltaAdding(a, listener.port!, 10_000, fromA)).toBeDefined();
    expect(await deltaAdding(b, listener.port!, 10_000, fromB), 'a paused tab is still sent deltas while another looks (its page shows them on resume)').toBeDefined();
  });
});
