import type { Logger } from '../log/logger';
import { errorMessage, storeUnavailable } from '../errors';
import { withTimeout } from '../timeout';
import { createRedisConnection, type RedisConnection, type RedisTarget, type ScriptCall } from '../store/redis-connection';
import { luaScript, runScript, type LuaScript } from '../store/lua/run-script';
import { matchesFilter, OutboxEvents, type NewOutboxMessage, type Outbox, type OutboxFilter, type OutboxMessage } from './outbox';

/** Where the outbox lives in Redis and for how long. */
export interface RedisOutboxOptions extends RedisTarget {
  keyPrefix: string;
  /** Keys expire this long after the namespace's last message (`app.otp_ttl` × 2). */
  ttlSeconds: number;
  timeoutMs: number;
  logger: Logger;
}

/**
 * Number the message, push it on the namespace's list, cut the list to the
 * cap (the oldest fall off), restart both keys' TTL and publish it, in one
 * atomic step. The entry is the message's JSON with `seq` put first.
 * KEYS: list, seq counter. ARGV: message JSON (an object without seq), cap, ttl seconds, channel.
 */
const ADD = luaScript(`
local seq = redis.call('INCR', KEYS[2])
local entry = '{"seq":' .. seq .. ',' .. string.sub(ARGV[1], 2)
redis.call('LPUSH', KEYS[1], entry)
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[3])
redis.call('PUBLISH', ARGV[4], entry)
return entry`);

const RANGE = luaScript(`return redis.call('LRANGE', KEYS[1], ARGV[1], ARGV[2])`);

/** Entries read per round trip while filtering: a read for one OTP's newest message (`limit=1`) is usually done after the first. */
const CHUNK = 100;

/**
 * The outbox on Redis: every gateway instance and worker on the same Redis
 * sees one outbox. Per namespace a capped list (newest first) and a counter,
 * both under the namespace's hash tag (one cluster slot), with a TTL.
 *
 * Waiters are woken without polling: each process holds ONE extra Redis
 * connection subscribed to one channel (`<prefix>:outbox`) on which every
 * add is published with the message itself; the process fans it out locally
 * (OutboxEvents) to its waiting requests, which check their filters on the
 * message and read the list again only when it matches. So 1,000 waiters
 * cost 1,000 in-process listeners and one subscription, not 1,000 connections.
 */
export class RedisOutbox implements Outbox {
  private readonly redis: RedisConnection;
  private readonly events = new OutboxEvents();
  private readonly channel: string;
  private connected: Promise<void> | undefined;

  constructor(private readonly options: RedisOutboxOptions) {
    let lastError = '';
    this.redis = createRedisConnection(options, options.timeoutMs, {
      onError: (err) => {
        if (err.message !== lastError) options.logger.error({ err: err.message }, 'outbox redis error');
        lastError = err.message;
      },
      onReady: () => {
        lastError = '';
      },
    });
    this.channel = `${options.keyPrefix}:outbox`;
  }

  /** Connect and subscribe; like the store, never hangs the start (reads answer 503 until Redis is up). */
  async connect(): Promise<void> {
    this.connected ??= (async () => {
      await this.redis.connect();
      await this.redis.subscribe(this.channel, (entry) => {
        const message = parseEntry(entry);
        if (message) this.events.emit(message);
      });
    })();
    this.connected.catch((err: unknown) => this.options.logger.error({ err: errorMessage(err) }, 'outbox: subscribing failed'));
    await withTimeout(this.connected, this.options.timeoutMs, 'outbox redis connect').catch((err: unknown) => {
      this.options.logger.error({ err: errorMessage(err) }, 'outbox: redis is not reachable at startup: starting anyway');
    });
  }

  async add(message: NewOutboxMessage, options: { max: number }): Promise<OutboxMessage> {
    const { namespace } = message;
    const reply = await this.run(ADD, {
      keys: [this.listKey(namespace), this.seqKey(namespace)],
      arguments: [JSON.stringify(message), String(options.max), String(this.options.ttlSeconds), this.channel],
    });
    const kept = typeof reply === 'string' ? parseEntry(reply) : undefined;
    if (!kept) throw new Error('outbox: Redis answered the add with no message');
    return kept;
  }

  async list(namespace: string, filter: OutboxFilter): Promise<OutboxMessage[]> {
    const found: OutboxMessage[] = [];
    // Without `since` (whose early stop needs every seq), skip entries without the id before parsing them:
    // a load test's read of one OTP's message then parses one entry, not a chunk.
    const needle = filter.id !== undefined && filter.since === undefined ? `"id":${JSON.stringify(filter.id)},` : undefined;
    for (let start = 0; found.length < filter.limit; start += CHUNK) {
      const reply = await this.run(RANGE, { keys: [this.listKey(namespace)], arguments: [String(start), String(start + CHUNK - 1)] });
      const entries = Array.isArray(reply) ? reply : [];
      for (const entry of entries) {
        if (needle !== undefined && typeof entry === 'string' && !entry.includes(needle)) continue;
        const message = typeof entry === 'string' ? parseEntry(entry) : undefined;
        if (!message) continue;
        // Newest first: once at or below `since`, every older one is too.
        if (filter.since !== undefined && message.seq <= filter.since) return found;
        if (matchesFilter(message, filter)) found.push(message);
        if (found.length >= filter.limit) return found;
      }
      if (entries.length < CHUNK) break;
    }
    return found;
  }

  async clear(namespace: string): Promise<void> {
    // The counter stays, so `since` of a client that read before the clear keeps working.
    await this.guard(this.redis.untimed.del(this.listKey(namespace)));
  }

  watch(namespace: string, listener: (message: OutboxMessage | undefined) => void): () => void {
    return this.events.watch(namespace, listener);
  }

  release(): void {
    this.events.release();
  }

  async close(): Promise<void> {
    await this.redis.close();
  }

  /** `<prefix>:outbox:{<namespace>}`: the braces are a cluster hash tag shared with the counter. */
  private listKey(namespace: string): string {
    return `${this.options.keyPrefix}:outbox:{${namespace}}`;
  }

  private seqKey(namespace: string): string {
    return `${this.options.keyPrefix}:outbox-seq:{${namespace}}`;
  }

  /** EVALSHA with the EVAL fallback (store/lua/run-script.ts). */
  private run(script: LuaScript, call: ScriptCall): Promise<unknown> {
    return runScript(this.redis.untimed, script, call, (command) => this.guard(command));
  }

  /** Connection failures and timeouts become the API's 503, as in the store (NOSCRIPT passes through to `run`). */
  private async guard<T>(promise: Promise<T>): Promise<T> {
    try {
      // node-redis drops a command's timeout once it is written: bound the whole wait here, as the store does.
      return await withTimeout(promise, this.options.timeoutMs, 'outbox redis command');
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('NOSCRIPT')) throw err;
      this.options.logger.warn({ err: errorMessage(err) }, 'outbox redis command failed');
      throw storeUnavailable();
    }
  }
}

/** A list entry as a message; undefined for anything else (never thrown: a bad entry is skipped). */
function parseEntry(entry: string): OutboxMessage | undefined {
  try {
    const value: unknown = JSON.parse(entry);
    return isMessage(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isMessage(value: unknown): value is OutboxMessage {
  if (typeof value !== 'object' || value === null) return false;
  const fields = new Map<string, unknown>(Object.entries(value));
  return typeof fields.get('seq') === 'number' && ['namespace', 'id', 'to', 'channel', 'subject', 'body', 'otp', 'at'].every((key) => typeof fields.get(key) === 'string');
}
