import { describe, expect, it } from 'vitest';
import { reusedFor } from '../../main/core/reuse-briefly.js';

describe('reusedFor', () => {
  it('shares one load among callers within the window, loads again after it, and never keeps a failure', async () => {
    let clock = 0;
    let loads = 0;
    let fail = false;
    const get = reusedFor(2000, async () => {
      loads++;
      if (fail) throw new Error('launchctl failed');
      return loads;
    }, () => clock);
    expect([await get(), await get()]).toEqual([1, 1]);
    clock = 2001;
    expect(await get()).toBe(2);
    clock = 5000;
    fail = true;
    await expect(get()).rejects.toThrow('launchctl failed');
    fail = false;
    expect(await get()).toBe(4);
    expect(loads).toBe(4);
  });
});
