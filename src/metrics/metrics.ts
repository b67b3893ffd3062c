import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DeliveryTry } from '../otp/channels';
import type { OtpEvent, OtpEventListener } from '../otp/events';
import type { Otp } from '../otp/types';
import { countryLabels, NO_COUNTRY } from './country-label';

/**
 * The gateway's Prometheus metrics. Every label value comes from a bounded
 * set — configured namespaces, provider names, route names, fixed outcomes —
 * and anything else is counted as `_unknown`: a label set is kept for the
 * life of the process, so a value taken from a request would let anyone grow
 * memory and `/metrics` without bound.
 *
 * Recording is cheap on purpose: label children are looked up once per label
 * combination and cached. When `[metrics] enabled = false` the gateway uses
 * `NO_METRICS`, whose methods do nothing.
 */
export interface GatewayMetrics {
  /** The registry to expose, or undefined when metrics are off. */
  readonly registry: Registry | undefined;
  /** Counts what happens to OTPs (created, sent, verified…): a listener of the OTP service. */
  readonly onOtpEvent: OtpEventListener;
  /** A request refused by a rate limit (`limit`: page, api, send). */
  rateLimited(limit: string, namespace: string): void;
  /** A store command that failed (connection, timeout); the caller got a 503. */
  storeError(): void;
  /** One HTTP request: a fixed route label, its status code and duration. */
  httpRequest(route: string, status: number, seconds: number): void;
  /** An event webhook given up (`reason`: failed, queue_full). */
  eventDropped(namespace: string, reason: string): void;
}

/** Metrics turned off: every method is a no-op. */
export const NO_METRICS: GatewayMetrics = {
  registry: undefined,
  onOtpEvent: () => undefined,
  rateLimited: () => undefined,
  storeError: () => undefined,
  httpRequest: () => undefined,
  eventDropped: () => undefined,
};

/** The label values a gateway may record; anything else becomes `_unknown`. */
export interface MetricLabels {
  namespaces: readonly string[];
  providers: readonly string[];
  /** Route labels of the HTTP surfaces (the API route names, `page`, `static`…). */
  routes: readonly string[];
  /** The country of an OTP's address (country-label.ts), for sent and verified; absent: `none`. Kept to countryLabels(). */
  countryOf?: (otp: Otp) => string;
  /** Names of the `[routes.*]` delivery routes (`otpgateway_failovers_total{route}`). */
  deliveryRoutes?: readonly string[];
  /** The routes' circuit breakers, read at each scrape (`otpgateway_breaker_state`). */
  breakers?: readonly { route: string; provider: string; state(): number }[];
}

/** What a label outside its bounded set is recorded as. */
export const UNKNOWN_LABEL = '_unknown';

const DELIVERY_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
// `range`, `namespace`, `country`: the SMS pumping budgets (security/sms-pumping/budgets.ts).
const LIMITS = ['page', 'api', 'send', 'range', 'namespace', 'country'];
const STATUS_CLASS = ['1xx', '2xx', '3xx', '4xx', '5xx'];
const DROP_REASONS = ['failed', 'queue_full'];

/** A label function: the value when it is in `allowed`, else `_unknown`. */
function bounded(allowed: readonly string[]): (value: string) => string {
  const set = new Set(allowed);
  return (value) => (set.has(value) ? value : UNKNOWN_LABEL);
}

/** Cache of label children, keyed by the joined label values (all bounded, so the cache is too). */
function cached<C>(make: (...values: string[]) => C): (...values: string[]) => C {
  const children = new Map<string, C>();
  return (...values: string[]): C => {
    const key = values.join('\u0000');
    let child = children.get(key);
    if (child === undefined) {
      child = make(...values);
      children.set(key, child);
    }
    return child;
  };
}

/** Create the metrics in a registry of their own (a gateway per registry; tests build many). */
export function createMetrics(labels: MetricLabels): GatewayMetrics {
  const registry = new Registry();
  const ns = bounded(labels.namespaces);
  const provider = bounded(labels.providers);
  const route = bounded(labels.routes);
  const limit = bounded(LIMITS);
  // The set of country codes comes from the phone metadata: built when the first phone number is counted, so a
  // gateway without phone channels never loads the metadata for its metrics.
  let countries: ((value: string) => string) | undefined;
  const country = (value: string): string => (value === NO_COUNTRY ? value : (countries ??= bounded(countryLabels()))(value));
  const countryOf = (otp: Otp): string => country(labels.countryOf?.(otp) ?? NO_COUNTRY);
  const dropReason = bounded(DROP_REASONS);
  const counter = (name: string, help: string, labelNames: string[]): ((...values: string[]) => Counter.Internal) => {
    const c = new Counter({ name, help, labelNames, registers: [registry] });
    return cached((...v) => c.labels(...v));
  };
  const histogram = (name: string, help: string, labelNames: string[], buckets: number[]): ((...values: string[]) => Histogram.Internal<string>) => {
    const h = new Histogram({ name, help, labelNames, buckets, registers: [registry] });
    return cached((...v) => h.labels(...v));
  };
  const byProvider = ['namespace', 'provider'];
  const created = counter('otpgateway_otps_created_total', 'OTPs created or regenerated.', byProvider);
  // By country too: a country whose verified/sent ratio collapses is being pumped (README "SMS pumping").
  const byCountry = [...byProvider, 'country'];
  const sent = counter('otpgateway_otps_sent_total', 'OTP messages accepted by a provider.', byCountry);
  const failed = counter('otpgateway_delivery_failures_total', 'OTP deliveries that failed.', byProvider);
  const verified = counter('otpgateway_otps_verified_total', 'Successful verifications.', byCountry);
  const wrong = counter('otpgateway_wrong_codes_total', 'Verification attempts with a wrong code.', byProvider);
  const locked = counter('otpgateway_locked_total', 'Requests refused because the OTP is out of attempts or sends.', byProvider);
  const limited = counter('otpgateway_rate_limited_total', 'Requests refused by a rate limit.', ['namespace', 'limit']);
  const dropped = counter('otpgateway_events_dropped_total', 'Event webhooks given up: retries ran out (failed) or the queue was full (queue_full).', ['namespace', 'reason']);
  const storeErrors = new Counter({ name: 'otpgateway_store_errors_total', help: 'Store commands that failed (connection, timeout).', registers: [registry] });
  const delivery = histogram('otpgateway_delivery_duration_seconds', 'Time a provider took to accept a message.', ['provider', 'outcome'], DELIVERY_BUCKETS);
  const deliveries = counter('otpgateway_deliveries_total', 'Deliveries tried per provider (each member a route tried counts), by result: ok, failed, or skipped (its circuit breaker was open, not called).', ['provider', 'result']);
  const failovers = counter('otpgateway_failovers_total', 'Times a route moved on to its next provider after one failed.', ['route']);
  const deliveryRoute = bounded(labels.deliveryRoutes ?? []);
  const breakers = labels.breakers ?? [];
  // Read when scraped: a breaker turns half-open by the clock, not by an event. With workers the primary keeps the highest.
  new Gauge({
    name: 'otpgateway_breaker_state',
    help: 'Circuit breaker of a provider in a route, in this process: 0 closed, 1 open, 2 half-open (trial).',
    labelNames: ['route', 'provider'],
    registers: [registry],
    aggregator: 'max',
    collect() {
      for (const b of breakers) this.set({ route: b.route, provider: b.provider }, b.state());
    },
  });
  /** Each provider a delivery tried (a plain provider: the one, from the event itself). */
  const countTries = (tries: readonly DeliveryTry[], route: string): void => {
    let failedBefore = 0;
    for (const t of tries) {
      // A skip (open breaker) is counted as such (routing.md) but was not called: no duration, no failover.
      deliveries(provider(t.provider), t.result).inc();
      if (t.result === 'skipped') continue;
      if (failedBefore > 0) failovers(deliveryRoute(route)).inc();
      delivery(provider(t.provider), t.result === 'ok' ? 'sent' : 'failed').observe(t.seconds);
      failedBefore += t.result === 'failed' ? 1 : 0;
    }
  };
  const http = histogram('otpgateway_http_request_duration_seconds', 'HTTP request duration by route and status class.', ['route', 'status'], HTTP_BUCKETS);

  const onOtpEvent = (event: OtpEvent): void => {
    if (event.type === 'otp.cancelled') return;
    const pair = [ns(event.otp.namespace), provider(event.otp.provider)] as const;
    switch (event.type) {
      case 'otp.created': return void created(...pair).inc();
      case 'otp.failed_attempt': return void wrong(...pair).inc();
      case 'otp.locked': return void locked(...pair).inc();
      case 'otp.verified': return void verified(...pair, countryOf(event.otp)).inc();
      case 'otp.sent':
        sent(...pair, countryOf(event.otp)).inc();
        return countTries(event.tries ?? [{ provider: event.provider, result: 'ok', seconds: event.seconds }], event.otp.provider);
      case 'otp.delivery_failed':
        failed(...pair).inc();
        return countTries(event.tries ?? [{ provider: event.provider, result: 'failed', seconds: event.seconds }], event.otp.provider);
    }
  };

  return {
    registry,
    onOtpEvent,
    rateLimited: (l, namespace) => limited(ns(namespace), limit(l)).inc(),
    storeError: () => storeErrors.inc(),
    httpRequest: (r, status, seconds) => http(route(r), STATUS_CLASS[Math.floor(status / 100) - 1] ?? 'other').observe(seconds),
    eventDropped: (namespace, reason) => dropped(ns(namespace), dropReason(reason)).inc(),
  };
}
