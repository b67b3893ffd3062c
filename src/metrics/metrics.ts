import { Counter, Histogram, Registry } from 'prom-client';

/**
 * The gateway's Prometheus metrics. Recording is cheap on purpose: label
 * children are looked up once per label combination and cached, so a request
 * costs a Map lookup and an increment, not a label object and its hashing.
 * When `[metrics] enabled = false` the gateway uses `NO_METRICS`, whose
 * methods do nothing.
 */
export interface GatewayMetrics {
  /** The registry to expose, or undefined when metrics are off. */
  readonly registry: Registry | undefined;
  created(namespace: string, provider: string): void;
  /** A delivery that the provider accepted, and how long it took. */
  sent(namespace: string, provider: string, seconds: number): void;
  /** A delivery that failed (the caller got a 502), and how long it took. */
  deliveryFailed(namespace: string, provider: string, seconds: number): void;
  verified(namespace: string, provider: string): void;
  wrongCode(namespace: string, provider: string): void;
  /** A verify or create refused because the record is out of attempts or sends. */
  locked(namespace: string, provider: string): void;
  /** A request refused by a rate limit; `kind` names the limit (e.g. "page", "address", "api"). */
  rateLimited(namespace: string, kind: string): void;
  /** A store command that failed (connection, timeout); the caller got a 503. */
  storeError(): void;
  /** One HTTP request: a fixed route label, its status code and duration. */
  httpRequest(route: string, status: number, seconds: number): void;
}

/** Metrics turned off: every method is a no-op. */
export const NO_METRICS: GatewayMetrics = {
  registry: undefined,
  created: () => undefined,
  sent: () => undefined,
  deliveryFailed: () => undefined,
  verified: () => undefined,
  wrongCode: () => undefined,
  locked: () => undefined,
  rateLimited: () => undefined,
  storeError: () => undefined,
  httpRequest: () => undefined,
};

const DELIVERY_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** Cache of label children, keyed by the joined label values. */
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
export function createMetrics(): GatewayMetrics {
  const registry = new Registry();
  const counter = (name: string, help: string, labelNames: string[]): Counter => new Counter({ name, help, labelNames, registers: [registry] });
  const byProvider = ['namespace', 'provider'];
  const created = counter('otpgateway_otps_created_total', 'OTPs created or regenerated.', byProvider);
  const sent = counter('otpgateway_otps_sent_total', 'OTP messages accepted by a provider.', byProvider);
  const failed = counter('otpgateway_delivery_failures_total', 'OTP deliveries that failed.', byProvider);
  const verified = counter('otpgateway_otps_verified_total', 'Successful verifications.', byProvider);
  const wrong = counter('otpgateway_wrong_codes_total', 'Verification attempts with a wrong code.', byProvider);
  const locked = counter('otpgateway_locked_total', 'Requests refused because the OTP is out of attempts or sends.', byProvider);
  const limited = counter('otpgateway_rate_limited_total', 'Requests refused by a rate limit.', ['namespace', 'limit']);
  const storeErrors = new Counter({ name: 'otpgateway_store_errors_total', help: 'Store commands that failed (connection, timeout).', registers: [registry] });
  const histogram = (name: string, help: string, labelNames: string[], buckets: number[]): Histogram =>
    new Histogram({ name, help, labelNames, buckets, registers: [registry] });
  const delivery = histogram('otpgateway_delivery_duration_seconds', 'Time a provider took to accept a message.', ['provider', 'outcome'], DELIVERY_BUCKETS);
  const http = histogram('otpgateway_http_request_duration_seconds', 'HTTP request duration by route and status class.', ['route', 'status'], HTTP_BUCKETS);
  const child = (c: Counter): ((...values: string[]) => Counter.Internal) => cached((...v) => c.labels(...v));
  const createdOf = child(created);
  const sentOf = child(sent);
  const failedOf = child(failed);
  const verifiedOf = child(verified);
  const wrongOf = child(wrong);
  const lockedOf = child(locked);
  const limitedOf = child(limited);
  const deliveryOf = cached((...v) => delivery.labels(...v));
  const httpOf = cached((...v) => http.labels(...v));
  const STATUS_CLASS = ['1xx', '2xx', '3xx', '4xx', '5xx'];

  return {
    registry,
    created: (ns, p) => createdOf(ns, p).inc(),
    sent: (ns, p, seconds) => {
      sentOf(ns, p).inc();
      deliveryOf(p, 'sent').observe(seconds);
    },
    deliveryFailed: (ns, p, seconds) => {
      failedOf(ns, p).inc();
      deliveryOf(p, 'failed').observe(seconds);
    },
    verified: (ns, p) => verifiedOf(ns, p).inc(),
    wrongCode: (ns, p) => wrongOf(ns, p).inc(),
    locked: (ns, p) => lockedOf(ns, p).inc(),
    rateLimited: (ns, kind) => limitedOf(ns, kind).inc(),
    storeError: () => storeErrors.inc(),
    httpRequest: (route, status, seconds) => httpOf(route, STATUS_CLASS[Math.floor(status / 100) - 1] ?? 'other').observe(seconds),
  };
}
