import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError, storeUnavailable } from '../errors';
import { canonicalAddressFor } from '../otp/addresses';
import type { Sealer } from '../otp/crypto';
import type { SendGuard } from '../otp/send';
import { clientKey } from './client-key';
import { withTimeout } from '../timeout';
import type { RateLimitConfig } from './rate-limit-config';

/**
 * The rate limits of `[rate_limit]`, built on rate-limiter-flexible: counters
 * live in Redis when the store is Redis (shared by every process; one key
 * `{prefix}:rl:{limit}:{subject}` per counter, so one slot on a Redis Cluster),
 * in memory otherwise. Each refusal is a 429 `rate_limited` with Retry-After.
 * The limits know nothing about HTTP: the surfaces call them as steps.
 */

/** The names of the limits, as the `limit` label of `otpgateway_rate_limited_total`. */
export type LimitName = 'page' | 'api' | 'send';

/** What the limits need: the store's Redis connection (if any) and how to pseudonymise keys. */
export interface RateLimitDeps {
  /** A node-redis (v4+) client — standalone, cluster or sentinel: the Redis store's own connection. Absent: in-memory counters. */
  redis?: unknown;
  /** Prefix of every Redis key (the store's `key_prefix`). */
  keyPrefix: string;
  /** Bound on each counter update, like every other store command (ms). */
  timeoutMs: number;
  sealer: Sealer;
  /** Told of every refusal: the limit and the namespace ("" when the request has none, e.g. a page load). */
  onLimited?: (limit: LimitName, namespace: string) => void;
}

/** The limits that are on (a count of 0 turns one off: its entry is undefined). */
export interface RateLimits {
  /** Page loads and form POSTs per client IP (per /64 for IPv6). */
  perClient?: (clientIp: string) => Promise<void>;
  /** Authenticated API calls per namespace. */
  perNamespace?: (namespace: string) => Promise<void>;
  /** Sends to one address per namespace: a send guard of the OTP service. */
  perAddress?: SendGuard;
}

/** Build the limits configured in `[rate_limit]`. */
export function createRateLimits(config: RateLimitConfig, deps: RateLimitDeps): RateLimits {
  const make = (name: LimitName, points: number, windowMs: number): Limiter | undefined =>
    points > 0 ? new Limiter(build(deps, name, points, windowMs), deps.timeoutMs, (ns) => deps.onLimited?.(name, ns)) : undefined;
  const pages = make('page', config.pages_per_ip, config.pages_window);
  const api = make('api', config.api_per_namespace, config.api_window);
  const sends = make('send', config.sends_per_address, config.sends_window);
  return {
    // IPv6 clients by their /64 (client-key.ts). The key is pseudonymised too (':' cannot start a namespace):
    // a Redis dump should not list visitors' IPs.
    perClient: pages && ((ip) => pages.take(deps.sealer.addressTag(':ip', clientKey(ip)), '', (s) => `Too many requests from your network. Please wait ${s} seconds and try again.`)),
    perNamespace: api && ((namespace) => api.take(namespace, namespace, (s) => `Too many API calls for namespace ${namespace}. Retry after ${s} seconds.`)),
    // Keyed by an HMAC (sealer.addressTag) of the address's canonical form, so respellings share one budget.
    perAddress: sends && ((namespace, channel, address) => sends.take(deps.sealer.addressTag(namespace, canonicalAddressFor(channel, address)), namespace, (s) =>
      `Too many codes were sent to this address. Nothing was sent; retry after ${s} seconds.`)),
  };
}

function build(deps: RateLimitDeps, name: string, points: number, windowMs: number): RateLimiterAbstract {
  const options = { keyPrefix: `${deps.keyPrefix}:rl:${name}`, points, duration: Math.max(1, Math.round(windowMs / 1000)) };
  if (!deps.redis) return new RateLimiterMemory(options);
  // useRedisPackage: the node-redis v4+ API (eval with {keys, arguments}, multi().pTTL()).
  // rejectIfRedisNotReady: fail at once while disconnected instead of waiting.
  return new RateLimiterRedis({ ...options, storeClient: deps.redis, useRedisPackage: true, rejectIfRedisNotReady: true });
}

/** One limit: consume a point or throw a 429 (over the limit) or a 503 (Redis not answering). */
class Limiter {
  constructor(
    private readonly limiter: RateLimiterAbstract,
    private readonly timeoutMs: number,
    private readonly onLimited: (namespace: string) => void,
  ) {}

  async take(key: string, namespace: string, sentence: (retryAfterSeconds: number) => string): Promise<void> {
    try {
      // node-redis drops its own command timeout once a command is written: bound the wait here.
      // The braces are a Redis Cluster hash tag: the slot comes from the limited subject alone.
      await withTimeout(this.limiter.consume(`{${key}}`), this.timeoutMs, 'rate limit');
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw storeUnavailable();
      const retryAfter = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      this.onLimited(namespace);
      throw new AppError('rate_limited', sentence(retryAfter), { retryAfter, data: { retry_after_seconds: retryAfter } });
    }
  }
}
