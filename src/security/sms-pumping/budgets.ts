import { AppError } from '../../errors';
import type { Logger } from '../../log/logger';
import type { Sealer } from '../../otp/crypto';
import type { SendCounter, Store } from '../../store/store';

/**
 * The send budgets against SMS pumping, all per namespace per `sends_window`:
 * one number range, one country, everything. Counted in the store, all or
 * none in one atomic step, so a send refused by one budget spends none of the others.
 */

/** The limits (0 turns one off) and the window, from `[rate_limit]`. */
export interface BudgetLimits {
  sendsPerRange: number;
  rangeDigits: number;
  sendsPerNamespace: number;
  sendsPerCountry: number;
  windowMs: number;
}

/** Which budget refused a send: the `limit` label of `otpgateway_rate_limited_total`. */
export type BudgetName = 'range' | 'namespace' | 'country';

/** What the budgets need. */
export interface BudgetDeps {
  store: Pick<Store, 'countSends'>;
  /** Range keys are HMACs (like per-address keys): a Redis dump does not list the ranges people verified. */
  sealer: Pick<Sealer, 'addressTag'>;
  logger: Logger;
  onLimited?: (limit: BudgetName, namespace: string) => void;
}

/** One send to count: its namespace and, for a phone number, its canonical form (`+` and digits) and country. */
export interface BudgetedSend {
  namespace: string;
  phone?: { canonical: string; country: string | undefined };
}

interface Budget {
  name: BudgetName;
  counter: SendCounter;
}

/** Count one send against its budgets; 429 `rate_limited` (with Retry-After) when one is spent. */
export function createBudgets(limits: BudgetLimits, deps: BudgetDeps): (send: BudgetedSend) => Promise<void> {
  return async (send) => {
    const budgets = budgetsOf(limits, deps.sealer, send);
    if (budgets.length === 0) return;
    const result = await deps.store.countSends(budgets.map((b) => b.counter), limits.windowMs);
    if (result.kind === 'over') {
      const budget = budgets[result.index];
      const retryAfter = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
      if (budget) deps.onLimited?.(budget.name, send.namespace);
      throw new AppError('rate_limited', `${refusal(budget?.name, limits, send)} Nothing was sent; retry after ${retryAfter} seconds.`, {
        retryAfter,
        data: { retry_after_seconds: retryAfter },
      });
    }
    for (const [index, budget] of budgets.entries()) {
      const count = result.counts[index] ?? 0;
      // Counts rise one at a time, atomically: exactly one send per window lands on the first count past 80 %.
      if (budget.name !== 'range' && count === Math.floor((budget.counter.limit * 4) / 5) + 1) {
        deps.logger.warn(
          { namespace: send.namespace, budget: budget.name, ...(budget.name === 'country' && { country: send.phone?.country ?? 'none' }), count, limit: budget.counter.limit },
          'a send budget is past 80 % of its window (SMS pumping defence; README "SMS pumping")',
        );
      }
    }
  };
}

/** The range of a number: its E.164 form without the last `digits` digits. */
export function rangeOf(canonical: string, digits: number): string {
  return canonical.slice(0, Math.max(1, canonical.length - digits));
}

function budgetsOf(limits: BudgetLimits, sealer: Pick<Sealer, 'addressTag'>, send: BudgetedSend): Budget[] {
  // One hash tag per namespace: the counters of one send share a Redis Cluster slot, as one script needs.
  const base = `sp:{${send.namespace}}`;
  const budgets: Budget[] = [];
  if (send.phone && limits.sendsPerRange > 0) {
    const range = sealer.addressTag(send.namespace, `range:${rangeOf(send.phone.canonical, limits.rangeDigits)}`);
    budgets.push({ name: 'range', counter: { key: `${base}:range:${range}`, limit: limits.sendsPerRange } });
  }
  if (send.phone && limits.sendsPerCountry > 0) {
    budgets.push({ name: 'country', counter: { key: `${base}:country:${send.phone.country ?? 'none'}`, limit: limits.sendsPerCountry } });
  }
  if (limits.sendsPerNamespace > 0) budgets.push({ name: 'namespace', counter: { key: `${base}:all`, limit: limits.sendsPerNamespace } });
  return budgets;
}

function refusal(name: BudgetName | undefined, limits: BudgetLimits, send: BudgetedSend): string {
  switch (name) {
    case 'range':
      return `Too many codes were sent to numbers of this range (the same number but for its last ${limits.rangeDigits} digits; rate_limit.sends_per_range = ${limits.sendsPerRange}).`;
    case 'country':
      return `Namespace ${send.namespace} has sent its budget of ${limits.sendsPerCountry} codes to numbers in ${send.phone?.country ?? 'no country'} (rate_limit.sends_per_country).`;
    default:
      return `Namespace ${send.namespace} has sent its budget of ${limits.sendsPerNamespace} codes (rate_limit.sends_per_namespace).`;
  }
}
