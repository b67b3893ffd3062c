import { EventEmitter } from 'node:events';

/**
 * The outbox (outbox.md): messages the `outbox` provider rendered and kept
 * instead of delivering, per namespace, newest first, capped. Two stores
 * implement it (memory, Redis); both wake waiters through a local event,
 * so a long-polling request costs no CPU while it waits.
 */

/** One kept message, as `GET /api/outbox` answers it. */
export interface OutboxMessage {
  /** Increases with every message of the namespace; `since` filters on it. */
  seq: number;
  namespace: string;
  /** The OTP's id. */
  id: string;
  /** The address, as the provider normalised it. */
  to: string;
  /** The provider's channel name ("SMS", "Outbox"). */
  channel: string;
  subject: string;
  body: string;
  /** The code the message carries. */
  otp: string;
  /** When it was kept (ISO 8601). */
  at: string;
}

/** A message before the store numbers it. */
export type NewOutboxMessage = Omit<OutboxMessage, 'seq'>;

/** What `GET /api/outbox` may filter on; every filter given must match. */
export interface OutboxFilter {
  to?: string;
  id?: string;
  /** Only messages with a greater `seq`. */
  since?: number;
  /** At most this many, newest first. */
  limit: number;
}

/** Where the outbox provider keeps messages and the API reads them. */
export interface Outbox {
  /** Keep a message; the namespace keeps at most `max`, the oldest fall off. */
  add(message: NewOutboxMessage, options: { max: number }): Promise<OutboxMessage>;
  /** The namespace's messages matching the filter, newest first. */
  list(namespace: string, filter: OutboxFilter): Promise<OutboxMessage[]>;
  /** Empty the namespace's outbox (its numbering continues). */
  clear(namespace: string): Promise<void>;
  /**
   * Call `listener` for each message kept in the namespace from now on (by any
   * instance), and with `undefined` when waiting must end (`release`); returns the unsubscribe.
   */
  watch(namespace: string, listener: (message: OutboxMessage | undefined) => void): () => void;
  /** End every wait now (a graceful stop must not wait for long polls). */
  release(): void;
  /** Get ready to keep and watch (Redis: connect and subscribe). */
  connect(): Promise<void>;
  close(): Promise<void>;
}

/** Whether a message passes a filter's `to`, `id` and `since`. */
export function matchesFilter(message: OutboxMessage, filter: Omit<OutboxFilter, 'limit'>): boolean {
  return (filter.to === undefined || message.to === filter.to)
    && (filter.id === undefined || message.id === filter.id)
    && (filter.since === undefined || message.seq > filter.since);
}

/**
 * Local fan-out of new messages to the waiters of their namespace. One
 * listener per waiting request; no limit on their number (1,000 waiters are
 * 1,000 closures, not 1,000 connections or timers polling).
 */
export class OutboxEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Every long-polling request is one listener: the default warning at 10 would be noise.
    this.emitter.setMaxListeners(0);
  }

  /** Tell the namespace's waiters about a message. */
  emit(message: OutboxMessage): void {
    this.emitter.emit(message.namespace, message);
  }

  /** Listen to one namespace; returns the unsubscribe. */
  watch(namespace: string, listener: (message: OutboxMessage | undefined) => void): () => void {
    this.emitter.on(namespace, listener);
    return () => void this.emitter.off(namespace, listener);
  }

  /** Tell every waiter of every namespace to stop waiting. */
  release(): void {
    for (const name of this.emitter.eventNames()) this.emitter.emit(name, undefined);
  }
}

/**
 * Long-poll: the matching messages now, or else the first time one arrives
 * (then the full filtered list), or `[]` after `timeoutMs` or when `signal`
 * aborts (the client went away). The listener is in place before the first
 * read, so a message kept in between is not missed.
 */
export async function waitForMessages(
  outbox: Outbox,
  namespace: string,
  filter: OutboxFilter,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<OutboxMessage[]> {
  const { timeoutMs, signal } = options;
  let wake: () => void = () => undefined;
  const woken = new Promise<void>((resolve) => (wake = resolve));
  const stop = outbox.watch(namespace, (message) => {
    if (message === undefined || matchesFilter(message, filter)) wake();
  });
  const timer = setTimeout(wake, timeoutMs);
  signal?.addEventListener('abort', wake, { once: true });
  try {
    const now = await outbox.list(namespace, filter);
    if (now.length > 0 || timeoutMs <= 0) return now;
    await woken;
    if (signal?.aborted) return [];
    return await outbox.list(namespace, filter);
  } finally {
    stop();
    clearTimeout(timer);
    signal?.removeEventListener('abort', wake);
  }
}
