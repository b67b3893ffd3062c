import type { Logger } from '../log/logger';
import { errorMessage, storeUnavailable } from '../errors';
import { withTimeout } from '../timeout';
import * as lua from './lua/scripts';
import { luaScript, runScript } from './lua/run-script';
import { createRedisConnection, type RedisConnection, type RedisTarget, type ScriptCall } from './redis-connection';
import { fieldsToArgs, recordFromHash, storedDigest } from './redis-fields';
import type {
  BudgetDefaults,
  CountSendsResult,
  OtpFields,
  OtpKey,
  ResendResult,
  SendCounter,
  SetAddressResult,
  Store,
  StoreEvent,
  StoredOtp,
  UpsertResult,
  VerifyResult,
} from './store';

/** Settings of the Redis store (from `[store.redis]`): where Redis is (one server, a Cluster or Sentinels) and the store's own keys. */
export interface RedisStoreOptions extends RedisTarget {
  keyPrefix: string;
  /** Redis channel for check/close events; empty = off. */
  publishKey: string;
  /** Per-command and connect timeout in milliseconds. */
  timeoutMs: number;
  logger: Logger;
  /** Called for each command that failed for connection reasons (store error metrics). */
  onCommandError?: () => void;
}

type ScriptName = keyof typeof SCRIPTS;
const SCRIPTS = {
  upsert: luaScript(lua.UPSERT),
  verify: luaScript(lua.VERIFY),
  get: luaScript(lua.GET),
  takeIfClosed: luaScript(lua.TAKE_IF_CLOSED),
  setAddress: luaScript(lua.SET_ADDRESS),
  resend: luaScript(lua.RESEND),
  recordDelivery: luaScript(lua.RECORD_DELIVERY),
  countSends: luaScript(lua.COUNT_SENDS),
} as const;

/** What every script answers: a status, then (except not_found) the hash and its PTTL. */
type ScriptReply = [string, string[]?, number?];

/** The Redis store: one Lua script (EVALSHA, one round trip) per lifecycle step. */
export class RedisStore implements Store {
  readonly name = 'redis';
  private readonly redis: RedisConnection;
  private readonly options: RedisStoreOptions;

  constructor(options: RedisStoreOptions) {
    this.options = options;
    let lastError = '';
    this.redis = createRedisConnection(options, options.timeoutMs, {
      onError: (err) => {
        // node-redis emits an error per failed reconnect; log each distinct one once.
        if (err.message !== lastError) options.logger.error({ err: err.message }, 'redis error');
        lastError = err.message;
      },
      onReady: () => {
        if (lastError) options.logger.info('redis connection restored');
        lastError = '';
      },
    });
  }

  /**
   * Connect and preload the scripts. Never hangs the start: when Redis does not
   * answer within the timeout, log it and return; the client keeps reconnecting
   * in the background and every call answers 503 until Redis is up.
   */
  async connect(): Promise<void> {
    // Loading the scripts is only a warm-up (see run), so its failure is not a failed start.
    const ready = this.redis.connect().then(() => this.loadScripts().catch(() => undefined));
    // Failures after the start are logged by the error hook; this keeps them from being unhandled.
    ready.catch(() => undefined);
    try {
      await withTimeout(ready, this.options.timeoutMs, 'redis connect');
    } catch (err) {
      this.options.logger.error(
        { err: errorMessage(err), redis: this.redis.where },
        'redis is not reachable at startup: starting anyway; the API answers 503 until it is',
      );
    }
  }

  /** The node-redis client (standalone, cluster or sentinel), shared with the Redis-backed rate limiters. */
  get connection(): unknown {
    return this.redis.client;
  }

  async upsert(key: OtpKey, fields: OtpFields, ttlSeconds: number, defaults: BudgetDefaults): Promise<UpsertResult> {
    const budgets = [fields.maxAttempts, fields.maxGenerate, defaults.maxAttempts, defaults.maxGenerate].map((n) => (n === undefined ? '' : String(n)));
    const [kind, hash, pttl] = await this.run('upsert', key, [String(ttlSeconds * 1000), ...budgets, ...fieldsToArgs(fields)]);
    // The scripts never answer `full` (Redis is sized by its operator, see README "Scaling").
    return { kind: kind as Exclude<UpsertResult, { kind: 'full' }>['kind'], otp: recordFromHash(key, hash ?? [], pttl ?? 0) };
  }

  async verify(key: OtpKey, codeDigest: string, options: { skipDelete: boolean }): Promise<VerifyResult> {
    const reply = await this.run('verify', key, [storedDigest(codeDigest), options.skipDelete ? '1' : '0']);
    return withRecord<VerifyResult>(key, reply);
  }

  async get(key: OtpKey): Promise<StoredOtp | null> {
    return recordOf(key, await this.run('get', key, []));
  }

  async takeIfClosed(key: OtpKey): Promise<StoredOtp | null> {
    return recordOf(key, await this.run('takeIfClosed', key, []));
  }

  async delete(key: OtpKey): Promise<boolean> {
    return (await this.guard(this.redis.commands.del(this.redisKey(key)))) === 1;
  }

  async setAddress(key: OtpKey, to: string): Promise<SetAddressResult> {
    return withRecord<SetAddressResult>(key, await this.run('setAddress', key, [to]));
  }

  async resend(key: OtpKey): Promise<ResendResult> {
    return withRecord<ResendResult>(key, await this.run('resend', key, []));
  }

  async recordDelivery(key: OtpKey, via: string): Promise<void> {
    await this.run('recordDelivery', key, [via]);
  }

  async countSends(counters: readonly SendCounter[], windowMs: number): Promise<CountSendsResult> {
    const keys = counters.map((c) => `${this.options.keyPrefix}:${c.key}`);
    const reply = await this.script('countSends', { keys, arguments: [String(windowMs), ...counters.map((c) => String(c.limit))] });
    // The script answers integers only: {0, counts…} or {index, pttl}.
    if (!Array.isArray(reply) || !reply.every((n): n is number => typeof n === 'number')) throw new Error('countSends: unexpected script reply');
    const [index = 0, ...rest] = reply;
    return index === 0 ? { kind: 'counted', counts: rest } : { kind: 'over', index: index - 1, retryAfterMs: rest[0] ?? windowMs };
  }

  async publish(event: StoreEvent): Promise<void> {
    if (!this.options.publishKey) return;
    await this.guard(this.redis.commands.publish(this.options.publishKey, JSON.stringify(event)));
  }

  /** PING the server; on a Redis Cluster node-redis sends it to every master, so health covers every shard. */
  async ping(): Promise<void> {
    await this.guard(this.redis.commands.ping());
  }

  async close(): Promise<void> {
    await this.redis.close();
  }

  /**
   * The Redis key of a record: `{prefix}:{namespace:id}`. The braces are a
   * Redis Cluster hash tag: the slot comes from `namespace:id` alone.
   */
  redisKey(key: OtpKey): string {
    return `${this.options.keyPrefix}:{${key.namespace}:${key.id}}`;
  }

  /**
   * Warm the script caches: SCRIPT LOAD all at once (one pipelined round trip;
   * node-redis sends it to every node of a cluster). Only an optimisation: a
   * node without a script makes `runScript` fall back to EVAL once.
   */
  private async loadScripts(): Promise<void> {
    await Promise.all(Object.values(SCRIPTS).map((script) => this.redis.commands.scriptLoad(script.source)));
  }

  /** One script on one record's key (`script` runs it): its status, hash and PTTL. */
  private async run(name: ScriptName, key: OtpKey, args: string[]): Promise<ScriptReply> {
    return (await this.script(name, { keys: [this.redisKey(key)], arguments: args })) as ScriptReply;
  }

  /** EVALSHA with the EVAL fallback (lua/run-script.ts), for any keys. */
  private script(name: ScriptName, call: ScriptCall): Promise<unknown> {
    return runScript(this.redis.untimed, SCRIPTS[name], call, (command) => this.guard(command));
  }

  /** Turn connection failures and timeouts into a 503 the API can answer. */
  private async guard<T>(promise: Promise<T>): Promise<T> {
    try {
      // node-redis (v5+) drops a command's timeout once it is written, so a stalled
      // (not disconnected) Redis would hang the request: bound the whole wait here.
      return await withTimeout(promise, this.options.timeoutMs, 'redis command');
    } catch (err) {
      if (err instanceof Error && /^(NOSCRIPT|ERR|WRONGTYPE)/.test(err.message)) throw err;
      this.options.logger.warn({ err: errorMessage(err) }, 'redis command failed');
      this.options.onCommandError?.();
      throw storeUnavailable();
    }
  }
}

/** The record a script answered with, or null for not_found. */
function recordOf(key: OtpKey, reply: ScriptReply): StoredOtp | null {
  return reply[0] === 'not_found' ? null : recordFromHash(key, reply[1] ?? [], reply[2] ?? 0);
}

function withRecord<R extends { kind: string }>(key: OtpKey, reply: ScriptReply): R {
  const otp = recordOf(key, reply);
  return (otp ? { kind: reply[0], otp } : { kind: 'not_found' }) as unknown as R;
}
