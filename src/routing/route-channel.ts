import { errorMessage } from '../errors';
import type { Logger } from '../log/logger';
import { DeliveryFailure, type Channel, type Delivery, type DeliveryReceipt, type DeliveryTry } from '../otp/channels';
import { redactCode } from '../otp/redact';
import type { Breaker } from './breaker';
import { membersFor, startAfter } from './prefixes';

/** A route, resolved against the enabled providers (build.ts). */
export interface RouteSpec {
  name: string;
  /** The default order of providers. */
  members: readonly Channel[];
  /** E.164 prefix → the provider ids to try instead (all enabled, checked at build). */
  prefixes: ReadonlyMap<string, readonly string[]>;
  /** Every member by id (those of `members` and of the prefix lists). */
  byId: ReadonlyMap<string, Channel>;
  /** The whole delivery, every try included. */
  timeoutMs: number;
  /** Breakers by provider id; empty without `[routes.NAME.breaker]`. */
  breakers: ReadonlyMap<string, Breaker>;
  logger: Logger;
}

/**
 * A route as a channel: clients name it like a provider. It takes the labels,
 * code length and address rules of its first provider (all members take the
 * same kind of address), and delivers through the first member, in order,
 * that accepts the message within the route's timeout (routing.md).
 */
export function routeChannel(route: RouteSpec): Channel {
  const [first] = route.members;
  if (!first) throw new Error(`route ${route.name} has no provider`);
  const ids = route.members.map((m) => m.id);
  return {
    id: route.name,
    labels: first.labels,
    otpLength: first.otpLength,
    maxAddressLength: Math.min(...[...route.byId.values()].map((m) => m.maxAddressLength)),
    addressKind: first.addressKind,
    members: [...route.byId.keys()],
    validateAddress: (to) => first.validateAddress(to),
    deliver: (delivery) => deliverThroughRoute(route, startAfter(membersFor(delivery.to, ids, route.prefixes), delivery.after), delivery),
  };
}

/**
 * The route's whole time budget as one timer: it ends the try that is running
 * and stops the loop from starting another. Measuring the time left with a
 * second clock disagreed with the timer: it can fire a fraction of a
 * millisecond early, and the next member was then "tried" with 0.07 ms left.
 */
interface RouteBudget {
  readonly expired: boolean;
  /** `promise`, or a rejection naming the route's timeout once the budget runs out. */
  bound<T>(promise: Promise<T>): Promise<T>;
  end(): void;
}

function startBudget(route: RouteSpec): RouteBudget {
  let expired = false;
  let reject: (err: Error) => void = () => undefined;
  const runOut = new Promise<never>((_, r) => {
    reject = r;
  });
  // It may fire between tries, when no try is racing it: an expected end, not an unhandled rejection.
  runOut.catch(() => undefined);
  const timer = setTimeout(() => {
    expired = true;
    reject(new Error(`the delivery through route ${route.name} timed out after ${route.timeoutMs} ms`));
  }, route.timeoutMs);
  return {
    get expired() {
      return expired;
    },
    bound: (promise) => Promise.race([promise, runOut]),
    end: () => clearTimeout(timer),
  };
}

/** Deliver through the route's members within its timeout. */
async function deliverThroughRoute(route: RouteSpec, order: readonly string[], delivery: Delivery): Promise<DeliveryReceipt> {
  const budget = startBudget(route);
  try {
    return await tryMembers(route, order, delivery, budget);
  } finally {
    budget.end();
  }
}

/** Try each member in turn until one accepts; skip open breakers (all open: try the first anyway). */
async function tryMembers(route: RouteSpec, order: readonly string[], delivery: Delivery, budget: RouteBudget): Promise<DeliveryReceipt> {
  const tries: DeliveryTry[] = [];
  const log = (entry: DeliveryTry, attempt: number): void => {
    const reason = entry.reason === undefined ? undefined : redactCode(entry.reason, delivery.otp.otp);
    // The route's logger already names the route.
    const line = { provider: entry.provider, try: attempt, result: entry.result, ms: Math.round(entry.seconds * 1000), namespace: delivery.otp.namespace, id: delivery.otp.id };
    if (entry.result === 'ok') route.logger.info(line, 'route try delivered');
    else route.logger.warn({ ...line, reason }, entry.result === 'skipped' ? 'route try skipped' : 'route try failed');
  };
  const attempt = async (id: string): Promise<DeliveryReceipt | undefined> => {
    const member = route.byId.get(id);
    if (!member) return undefined;
    const started = performance.now();
    try {
      // The route's time left bounds the try; when it runs out first, the member's own late answer is ignored.
      const receipt = await budget.bound(member.deliver(delivery));
      route.breakers.get(id)?.succeeded();
      const ok: DeliveryTry = { provider: id, result: 'ok', seconds: (performance.now() - started) / 1000 };
      tries.push(ok);
      if (tries.length > 1) log(ok, tries.length);
      return { ...receipt, tries };
    } catch (err) {
      route.breakers.get(id)?.failed();
      const failed: DeliveryTry = { provider: id, result: 'failed', seconds: (performance.now() - started) / 1000, reason: errorMessage(err) };
      tries.push(failed);
      log(failed, tries.length);
      return undefined;
    }
  };
  let called = 0;
  for (const id of order) {
    if (budget.expired) break;
    // Asked one member at a time: a half-open breaker's single trial is taken only when it is really used.
    if (!(route.breakers.get(id)?.tryAcquire() ?? true)) {
      const skip: DeliveryTry = { provider: id, result: 'skipped', seconds: 0, reason: 'circuit breaker open' };
      tries.push(skip);
      log(skip, tries.length);
      continue;
    }
    called += 1;
    const receipt = await attempt(id);
    if (receipt) return receipt;
  }
  // Every breaker open: the first is tried anyway, since a route that sends nothing helps no one.
  const [first] = order;
  if (called === 0 && first !== undefined && !budget.expired) {
    const receipt = await attempt(first);
    if (receipt) return receipt;
  }
  const summary = tries.map((t) => `${t.provider}: ${t.reason ?? t.result}`).join('; ');
  const untried = order.filter((id) => !tries.some((t) => t.provider === id));
  const late = untried.length > 0 ? `; not tried before the route's ${route.timeoutMs} ms timeout: ${untried.join(', ')}` : '';
  throw new DeliveryFailure(`route ${route.name}: every provider failed (${summary}${late})`, tries);
}
