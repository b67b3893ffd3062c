import type { CountSendsResult, SendCounter } from './store';

interface Window {
  count: number;
  endsAt: number;
}

/**
 * The send counters of the memory store (Store.countSends): fixed windows that
 * start at their first count, held in one process. Synchronous, so each call is
 * atomic between two awaits; expired windows are dropped when read and by `sweep`.
 */
export class MemoryCounters {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly now: () => number) {}

  /** Count one send against every counter, or none when one is at its limit. */
  count(counters: readonly SendCounter[], windowMs: number): CountSendsResult {
    const now = this.now();
    const live = counters.map((c) => this.live(c.key, now));
    for (const [index, counter] of counters.entries()) {
      const window = live[index];
      if (window && window.count >= counter.limit) return { kind: 'over', index, retryAfterMs: window.endsAt - now };
    }
    const counts = counters.map((counter, index) => {
      const window = live[index] ?? { count: 0, endsAt: now + windowMs };
      window.count += 1;
      this.windows.set(counter.key, window);
      return window.count;
    });
    return { kind: 'counted', counts };
  }

  /** Drop every window that has ended. */
  sweep(): void {
    const now = this.now();
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
  }

  clear(): void {
    this.windows.clear();
  }

  private live(key: string, now: number): Window | undefined {
    const window = this.windows.get(key);
    if (window && window.endsAt <= now) {
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }
}
