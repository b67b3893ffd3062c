import { randomUUID } from 'node:crypto';
import type { Logger } from '../log/logger';
import type { OtpEvent, OtpEventListener } from '../otp/events';
import { createHttpClient, type HttpClient } from '../providers/http-client';
import { afterAnswer } from './after-answer';
import { eventBody } from './payload';
import { createOrderedQueue, type OrderedQueue } from './queue';
import { eventSignature } from './signature';

/** Where one namespace's events go (`[auth.X] events_url`, `events_secret`). */
export interface EventTarget {
  url: string;
  secret: string;
}

/** Why an event was dropped: its retries ran out, or the queue was full. */
export type DropReason = 'failed' | 'queue_full';

/** Tuning of the delivery; the defaults are results.md's. */
export interface EventDeliverySettings {
  /** Retries after the first attempt (3). */
  retries: number;
  /** First backoff in ms, doubled each retry (1000: 1 s, 2 s, 4 s). */
  backoffMs: number;
  /** Limit of one attempt, connect to last byte (5000). */
  timeoutMs: number;
  /** Events waiting per namespace before the oldest is dropped (1000). */
  maxWaiting: number;
  /** Deliveries in flight per namespace (4). */
  concurrency: number;
}

const DEFAULTS: EventDeliverySettings = { retries: 3, backoffMs: 1000, timeoutMs: 5000, maxWaiting: 1000, concurrency: 4 };

/** The event webhooks of a gateway: a listener of the OTP service, and what shutdown needs. */
export interface EventWebhooks {
  /** Queue the event for its namespace's receiver, if it has one; returns at once. */
  readonly listener: OtpEventListener;
  /** Resolves when every queued event was delivered or dropped (tests, shutdown). */
  idle(): Promise<void>;
  close(): void;
}

/** One queued delivery: the same body and delivery id on every attempt. */
interface Delivery {
  namespace: string;
  type: string;
  deliveryId: string;
  body: string;
}

/**
 * Per-namespace event webhooks: each namespace with an `events_url` has a
 * bounded queue of its own (a receiver that hangs fills only its own queue),
 * events of one OTP go out in order, a non-2xx or a timeout is retried with
 * exponential backoff, and then dropped and counted. Nothing here is awaited by an API call.
 */
export function createEventWebhooks(options: {
  targets: ReadonlyMap<string, EventTarget>;
  logger: Logger;
  onDropped: (namespace: string, reason: DropReason) => void;
  settings?: Partial<EventDeliverySettings>;
}): EventWebhooks {
  const settings = { ...DEFAULTS, ...options.settings };
  const logger = options.logger.child({ component: 'events' });
  // No namespace with an events_url (the usual case): no client, no sockets.
  const client: HttpClient | undefined =
    options.targets.size > 0 ? createHttpClient({ maxConns: settings.concurrency * options.targets.size, timeoutMs: settings.timeoutMs }) : undefined;
  const queues = new Map<string, OrderedQueue<Delivery>>();
  for (const [namespace, target] of options.targets) {
    const fullWarning = throttledCount(FULL_WARNING_MS, (count) =>
      logger.warn({ namespace, dropped: count }, `events dropped: the queue of this namespace is full (${settings.maxWaiting} waiting); its events_url is not keeping up`),
    );
    queues.set(namespace, createOrderedQueue<Delivery>({
      maxWaiting: settings.maxWaiting,
      concurrency: settings.concurrency,
      run: (d) => deliver(target, d),
      // An event never runs ahead of the answer of the API call that caused it.
      schedule: afterAnswer,
      onDropped: (d) => {
        options.onDropped(d.namespace, 'queue_full');
        fullWarning();
      },
    }));
  }

  async function deliver(target: EventTarget, d: Delivery): Promise<void> {
    let reason = '';
    for (let attempt = 0; attempt <= settings.retries; attempt++) {
      if (attempt > 0) await sleep(settings.backoffMs * 2 ** (attempt - 1));
      try {
        if (!client) return;
        const answer = await client.request({
          method: 'POST',
          url: target.url,
          headers: {
            'Content-Type': 'application/json',
            'User-Agent': 'otpgateway-events',
            'X-OTPGateway-Event': d.type,
            'X-OTPGateway-Delivery': d.deliveryId,
            'X-OTPGateway-Signature': eventSignature(target.secret, d.body, Math.floor(Date.now() / 1000)),
          },
          body: d.body,
        });
        if (answer.status >= 200 && answer.status < 300) return;
        reason = `HTTP ${answer.status}`;
      } catch (err) {
        reason = err instanceof Error ? err.message : String(err);
      }
      logger.debug({ namespace: d.namespace, event: d.type, delivery: d.deliveryId, attempt: attempt + 1, reason }, 'event delivery failed');
    }
    options.onDropped(d.namespace, 'failed');
    logger.warn({ namespace: d.namespace, event: d.type, delivery: d.deliveryId, attempts: settings.retries + 1, reason }, 'event dropped after its retries');
  }

  const listener = (event: OtpEvent): void => {
    // Namespaces without an events_url (most) cost one map lookup.
    const queue = queues.get(event.type === 'otp.cancelled' ? event.key.namespace : event.otp.namespace);
    if (!queue) return;
    const body = eventBody(event, new Date());
    queue.push(body.id, { namespace: body.namespace, type: body.type, deliveryId: randomUUID(), body: JSON.stringify(body) });
  };

  return {
    listener,
    async idle() {
      await Promise.all([...queues.values()].map((q) => q.idle()));
    },
    close: () => client?.close(),
  };
}

/** How often a full queue is logged: a receiver that is down would otherwise cost a log line per API call. */
const FULL_WARNING_MS = 10_000;

/** Call `report(count)` for the first call, then at most once per `ms` with the calls since the last report. */
function throttledCount(ms: number, report: (count: number) => void): () => void {
  let last = 0;
  let count = 0;
  return () => {
    count += 1;
    const now = Date.now();
    if (now - last < ms) return;
    last = now;
    report(count);
    count = 0;
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
