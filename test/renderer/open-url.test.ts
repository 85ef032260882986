// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { PortholeApi } from '../../main/core/contract.js';
import { openLocalUrl } from '../../renderer/open-url.js';

function apiFor(transport: PortholeApi['transport'], calls: unknown[][]): PortholeApi {
  return { transport, onEvent: () => () => undefined, call: (async (...args: unknown[]) => void calls.push(args)) as PortholeApi['call'] };
}

describe('openLocalUrl', () => {
  it('opens a new tab itself in browser mode, without asking the server', async () => {
    const calls: unknown[][] = [];
    const opened: unknown[][] = [];
    await openLocalUrl(apiFor('websocket', calls), 'http://localhost:3000/', { open: (...a: unknown[]) => (opened.push(a), null) } as Pick<Window, 'open'>);
    expect(opened).toEqual([['http://localhost:3000/', '_blank', 'noopener,noreferrer']]);
    expect(calls).toEqual([]);
  });

  it('asks main in Electron, which vets the URL', async () => {
    const calls: unknown[][] = [];
    await openLocalUrl(apiFor('electron', calls), 'http://localhost:5173/', { open: () => null } as Pick<Window, 'open'>);
    expect(calls).toEqual([['openExternal', 'http://localhost:5173/']]);
  });
});
