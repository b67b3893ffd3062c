import { z } from 'zod';
import { bool, text } from '../config-fields';

/**
 * The `[metrics]` table: Prometheus metrics at `/metrics`, off by default.
 * `address` empty = on the API port (one process only); set it to serve them
 * on a port of their own (required with `app.workers` > 1, where the primary
 * process aggregates every worker's metrics). `username`/`password` put the
 * endpoint behind HTTP Basic auth.
 */
export const metricsSchema = z.preprocess(
  (v) => v ?? {},
  z
    .strictObject({
      enabled: bool(false),
      address: text(''),
      username: text(''),
      password: text(''),
    })
    .superRefine((m, ctx) => {
      if (typeof m.address === 'string' && m.address !== '' && !/^.*:\d{1,5}$/.test(m.address)) {
        ctx.addIssue({ code: 'custom', path: ['address'], message: `expected "host:port" or empty, got ${JSON.stringify(m.address)}` });
      }
      if (typeof m.username === 'string' && typeof m.password === 'string' && (m.username === '') !== (m.password === '')) {
        ctx.addIssue({ code: 'custom', path: [m.username ? 'password' : 'username'], message: 'set both username and password for Basic auth, or neither' });
      }
    }, { when: (): boolean => true }),
);

/** The `[metrics]` settings after defaults. */
export type MetricsConfig = z.output<typeof metricsSchema>;
