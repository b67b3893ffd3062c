/** What the breaker state gauge reports: 0 closed, 1 open, 2 half-open (cooldown over, a trial allowed or under way). */
export type BreakerState = 0 | 1 | 2;

/** `[routes.NAME.breaker]` as milliseconds. */
export interface BreakerSettings {
  failures: number;
  cooldownMs: number;
}

/**
 * A circuit breaker for one provider of one route, in this process only:
 * `failures` consecutive failed deliveries open it; while open the route skips
 * the provider; when `cooldown` has passed, one delivery is let through as a
 * trial, which closes it on success and opens it for another cooldown on failure.
 */
export class Breaker {
  private readonly settings: BreakerSettings;
  private readonly now: () => number;
  private failures = 0;
  /** When it opened; undefined while closed. */
  private openedAt: number | undefined;
  private trialRunning = false;

  constructor(settings: BreakerSettings, now: () => number = Date.now) {
    this.settings = settings;
    this.now = now;
  }

  /** The state for the gauge. */
  state(): BreakerState {
    if (this.openedAt === undefined) return 0;
    return this.trialRunning || this.now() - this.openedAt >= this.settings.cooldownMs ? 2 : 1;
  }

  /** May a delivery go through now? Taking the half-open trial makes later callers wait for its outcome. */
  tryAcquire(): boolean {
    if (this.openedAt === undefined) return true;
    if (this.trialRunning || this.now() - this.openedAt < this.settings.cooldownMs) return false;
    this.trialRunning = true;
    return true;
  }

  /** The provider accepted a message: closed again. */
  succeeded(): void {
    this.failures = 0;
    this.openedAt = undefined;
    this.trialRunning = false;
  }

  /** The provider failed a delivery: a failed trial, or the last of `failures` in a row, opens it. */
  failed(): void {
    this.failures += 1;
    if (this.trialRunning || this.failures >= this.settings.failures) {
      this.openedAt = this.now();
      this.trialRunning = false;
    }
  }
}
