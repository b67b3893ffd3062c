import { z } from 'zod';
import { duration, int } from '../config-fields';

/**
 * The `[rate_limit]` table. Every limit counts requests in a fixed window;
 * a count of 0 turns that limit off. Windows are Go-style durations ("1m", "1h").
 */
const shape = {
  /** Public page loads and form POSTs per client IP (status poll and static assets are not counted). */
  pages_per_ip: int(60, 0, 1_000_000_000),
  pages_window: duration('1m', 7 * 24 * 3600 * 1000),
  /** Codes sent to one address across all ids of a namespace (SMS pumping). */
  sends_per_address: int(10, 0, 1_000_000_000),
  sends_window: duration('1h', 7 * 24 * 3600 * 1000),
  /** SMS pumping (README "SMS pumping"), per namespace per `sends_window`: sends to one number range (E.164 minus its last `range_digits` digits). */
  sends_per_range: int(10, 0, 1_000_000_000),
  range_digits: int(3, 1, 6),
  /** All sends of a namespace, whatever the channel. */
  sends_per_namespace: int(10_000, 0, 1_000_000_000),
  /** Sends of a namespace to the numbers of one country; 0 (the default) = off. */
  sends_per_country: int(0, 0, 1_000_000_000),
  /** Authenticated API calls per namespace; 0 (the default) = off. */
  api_per_namespace: int(0, 0, 1_000_000_000),
  api_window: duration('1m', 7 * 24 * 3600 * 1000),
};

/** Schema of `[rate_limit]`; an absent table means all defaults. */
export const rateLimitSchema = z.preprocess(
  (v) => v ?? {},
  z.strictObject(shape).superRefine((table, ctx) => {
    for (const key of ['pages_window', 'sends_window', 'api_window'] as const) {
      if (table[key] < 1000) ctx.addIssue({ code: 'custom', path: [key], message: `expected a window of at least "1s", got ${table[key]} ms` });
    }
  }),
);

/** The validated `[rate_limit]` table (windows in milliseconds). */
export type RateLimitConfig = z.output<typeof rateLimitSchema>;
