import { z } from 'zod';
import { duration, int, shown, textList } from '../config-fields';

/** An E.164 prefix: `+` and 1-15 digits ("+91", "+1415"). */
const PREFIX = /^\+\d{1,15}$/;

/** `[routes.NAME.breaker]`: consecutive failed deliveries open it; skipped while open; one trial after `cooldown`. */
const breakerSchema = z.strictObject({
  failures: int(5, 1, 1_000_000),
  cooldown: duration('60s', 24 * 3600 * 1000),
});

/** `[routes.NAME.prefixes]`: an E.164 prefix → the providers to try for numbers that start with it. */
const prefixesSchema = z.preprocess((v) => v ?? {}, z.record(z.string(), textList([]))).superRefine((prefixes, ctx) => {
  for (const [prefix, members] of Object.entries(prefixes)) {
    if (!PREFIX.test(prefix)) ctx.addIssue({ code: 'custom', path: [prefix], message: `expected an E.164 prefix such as "+91" or "+1415", got ${shown(prefix)}` });
    else if (Array.isArray(members) && members.length === 0) ctx.addIssue({ code: 'custom', path: [prefix], message: 'expected at least one provider' });
  }
});

/**
 * `[routes.NAME]` (routing.md): a channel clients address as `provider=NAME`
 * that delivers through the first provider of its list that accepts the message.
 * How the members fit together (known, enabled, one kind of address) is checked
 * when the routes are built, once the providers are (build.ts).
 */
export const routeSchema = z
  .strictObject({
    providers: textList([]),
    timeout: duration('10s', 600_000),
    prefixes: prefixesSchema,
    breaker: breakerSchema.optional(),
  })
  .superRefine((route, ctx) => {
    if (Array.isArray(route.providers) && route.providers.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['providers'], message: 'expected the providers to try, in order, e.g. ["kaleyra_sms", "aws_sms"]' });
    }
    if (route.timeout === 0) ctx.addIssue({ code: 'custom', path: ['timeout'], message: 'expected a duration above 0, e.g. "10s"' });
  }, { when: () => true });

/** A validated `[routes.NAME]` table. */
export type RouteConfig = z.output<typeof routeSchema>;
