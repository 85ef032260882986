// The CLI's own clock text: fixed shapes, local time, no Intl (see localDateTime).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ago, localDateTime, localTime } from '../../main/cli/output/time.js';

describe('localDateTime', () => {
  it('pads every field and reads the local clock', () => {
    expect(localDateTime(new Date(2026, 0, 5, 9, 7, 3).getTime())).toBe('2026-01-05 09:07:03');
    expect(localDateTime(new Date(1999, 11, 31, 23, 59, 59).getTime())).toBe('1999-12-31 23:59:59');
    expect(localTime(new Date(2026, 10, 21, 0, 0, 0).getTime())).toBe('00:00:00');
  });

  it('agrees with the Date fields for any instant, and sorts as the instants do', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.integer({ min: 0, max: 4_102_444_800_000 }), (a, b) => {
        const text = localDateTime(a);
        expect(text).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
        const [y, mo, d, h, mi, s] = text.split(/[- :]/).map(Number);
        const back = new Date(y!, mo! - 1, d!, h!, mi!, s!).getTime();
        // A DST fold can map one wall-clock text to two instants an hour apart.
        expect([0, 3_600_000]).toContain(Math.abs(Math.floor(a / 1000) * 1000 - back));
        if (Math.abs(a - b) > 7_200_000) expect(text < localDateTime(b)).toBe(a < b);
      }),
    );
  });
});

describe('ago', () => {
  it('says seconds, minutes, hours, then days', () => {
    const now = 1_000_000_000_000;
    expect(ago(now - 4_000, now)).toBe('4s ago');
    expect(ago(now - 3 * 60_000, now)).toBe('3m ago');
    expect(ago(now - 5 * 3_600_000, now)).toBe('5h ago');
    expect(ago(now - 3 * 86_400_000, now)).toBe('3d ago');
    expect(ago(now + 5_000, now)).toBe('0s ago');
  });
});
