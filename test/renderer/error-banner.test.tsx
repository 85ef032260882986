// @vitest-environment happy-dom
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorBanner } from '../../renderer/components/ErrorBanner.js';
import { clockTime } from '../../renderer/format.js';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('error banner', () => {
  it('counts down to the next try on screen, while its live region says what happened once, not once a second', () => {
    vi.useFakeTimers();
    const at = Date.UTC(2026, 10, 21, 9, 12, 40);
    let now = at;
    const error = { message: 'Lost the connection to Porthole.', at, retryInMs: 4000, lastGoodAt: at - 5000 };
    const { container } = render(<ErrorBanner error={error} now={() => now} />);
    const live = screen.getByRole('status');
    const said = live.textContent;
    expect(said).toBe(`Lost the connection to Porthole. Last good data from ${clockTime(at - 5000)}`);
    expect(container.textContent).toBe(`${said}; retrying in 4 s.`);
    for (const left of ['3 s', '2 s', '1 s']) {
      now += 1000;
      act(() => void vi.advanceTimersByTime(1000));
      expect(container.textContent).toBe(`${said}; retrying in ${left}.`);
      expect(live.textContent).toBe(said);
    }
    now += 1000;
    act(() => void vi.advanceTimersByTime(1000));
    expect(container.textContent).toBe(`${said}; retrying now…`);
    expect(live.textContent).toBe(said);
  });
});
