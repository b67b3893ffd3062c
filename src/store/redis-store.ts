import { createClient } from 'redis';
import type { Logger } from '../logger';
import { errorMessage, storeUnavailable } from '../errors';
import { withTimeout } from '../timeout';
import * as lua from './lua/scripts';
import { fieldsToArgs, recordFromHash, storedDigest } from './redis-fields';
import type {
  OtpFields,
  OtpKey,
  ResendResult,
  SetAddressResult,
  Store,
  StoreEvent,
  StoredOtp,
  UpsertResult,
  VerifyResult,
} from './store';

/** Connection settings of the Redis store (from `[store.redis]`). */
export interface RedisStoreOptions {
  host: string;
  port: number;
  username: string;
  password: string;
  db: number;
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
  upsert: lua.UPSERT,
  verify: lua.VERIFY,
  get: lua.GET,
  takeIfClosed: lua.TAKE_IF_CLOSED,
  setAddress: lua.SET_ADDRESS,
  resend: lua.RESEND,
} as const;

/** What every script answers: a status, then (except not_found) the hash and its PTTL. */
type ScriptReply = [string, string[]?, number?];

/** The Redis store: one Lua script (EVALSHA, one round trip) per lifecycle step. */
export class RedisStore implements Store {
  readonly name = 'redis';
  private readonly client;
  /**
   * The client without node-redis's own per-command timeout, for the script
   * calls: `guard` already bounds each wait, and node-redis's timeout costs an
   * AbortSignal.timeout (a weak timer and its GC work) per command — several
   * percent of a hot-path request in profiles.
   */
  private readonly scripts;
  private readonly shas = new Map<ScriptName, string>();
  private readonly options: RedisStoreOptions;

  constructor(options: RedisStoreOptions) {
    this.options = options;
    this.client = createClient({
      username: options.username || undefined,
      password: options.password || undefined,
      database: options.db,
      // Fail fast while disconnected instead of queueing requests without bound.
      disableOfflineQueue: true,
      commandOptions: { timeout: options.timeoutMs },
      socket: {
        host: options.host,
        port: options.port,
        connectTimeout: options.timeoutMs,
        // Keep retrying for ever, backing off to one attempt a second.
        reconnectStrategy: (retries: number): number => Math.min(50 * 2 ** retries, 1000),
      },
    });
    this.scripts = this.client.withCommandOptions({ timeout: 0 });
    let lastError = '';
    this.client.on('error', (err: Error) => {
      // node-redis emits an error per failed reconnect; log each distinct one once.
      if (err.message !== lastError) options.logger.error({ err: err.message }, 'redis error');
      lastError = err.message;
    });
    this.client.on('ready', () => {
      if (lastError) options.logger.info('redis connection restored');
      lastError = '';
    });
  }

  /**
   * Connect and preload the scripts. Never hangs the start: when Redis does not
   * answer within the timeout, log it and return; the client keeps reconnecting
   * in the background and every call answers 503 until Redis is up.
   */
  async connect(): Promise<void> {
    const ready = this.client.connect().then(() => this.loadScripts());
    // Failures after the start are logged by the 'error' listener; this keeps them from being unhandled.
    ready.catch(() => undefined);
    try {
      await withTimeout(ready, this.options.timeoutMs, 'redis connect');
    } catch (err) {
      this.options.logger.error(
        { err: errorMessage(err), host: this.options.host, port: this.options.port },
        'redis is not reachable at startup: starting anyway; the API answers 503 until it is',
      );
    }
  }

  /** The node-redis client, shared with the Redis-backed rate limiters (one connection per process). */
  get connection(): unknown {
    return this.client;
  }

  async upsert(key: OtpKey, fields: OtpFields, ttlSeconds: number): Promise<UpsertResult> {
    const [kind, hash, pttl] = await this.run('upsert', key, [String(ttlSeconds * 1000), String(fields.maxAttempts), ...fieldsToArgs(fields)]);
    return { kind: kind as UpsertResult['kind'], otp: recordFromHash(key, hash ?? [], pttl ?? 0) };
  }

  async verify(key: OtpKey, codeDigest: string, options: { skipDelete: boolean }): Promise<VerifyResult> {
    const reply = await this.run('verify', key, [storedDigest(codeDigest), options.skipDelete ? '1' : '0']);
    return withRecord<VerifyResult>(key, reply);
  }

  async get(key: OtpKey): Promise<StoredOtp | null> {
    const reply = await this.run('get', key, []);
    return reply[0] === 'not_found' ? null : recordFromHash(key, reply[1] ?? [], reply[2] ?? 0);
  }

  async takeIfClosed(key: OtpKey): Promise<StoredOtp | null> {
    const reply = await this.run('takeIfClosed', key, []);
    return reply[0] === 'not_found' ? null : recordFromHash(key, reply[1] ?? [], reply[2] ?? 0);
  }

  async delete(key: OtpKey): Promise<boolean> {
    return (await this.guard(this.client.del(this.redisKey(key)))) === 1;
  }

  async setAddress(key: OtpKey, to: string): Promise<SetAddressResult> {
    return withRecord<SetAddressResult>(key, await this.run('setAddress', key, [to]));
  }

  async resend(key: OtpKey): Promise<ResendResult> {
    return withRecord<ResendResult>(key, await this.run('resend', key, []));
  }

  async publish(event: StoreEvent): Promise<void> {
    if (!this.options.publishKey) return;
    await this.guard(this.client.publish(this.options.publishKey, JSON.stringify(event)));
  }

  async ping(): Promise<void> {
    await this.guard(this.client.ping());
  }

  async close(): Promise<void> {
    if (this.client.isOpen) await this.client.close().catch(() => this.client.destroy());
  }

  /** The Redis key of a record: `{prefix}:{namespace}:{id}`. */
  redisKey(key: OtpKey): string {
    return `${this.options.keyPrefix}:${key.namespace}:${key.id}`;
  }

  private async loadScripts(): Promise<void> {
    // All at once: one pipelined round trip, so a reload after a Redis restart fits in one command timeout.
    const entries = Object.entries(SCRIPTS) as [ScriptName, string][];
    const shas = await Promise.all(entries.map(([, source]) => this.client.scriptLoad(source)));
    entries.forEach(([name], i) => this.shas.set(name, shas[i] as string));
  }

  /** EVALSHA a preloaded script; after a Redis restart (NOSCRIPT) reload them and retry once. */
  private async run(name: ScriptName, key: OtpKey, args: string[]): Promise<ScriptReply> {
    const call = { keys: [this.redisKey(key)], arguments: args };
    // Redis was down at startup: the scripts were never loaded.
    if (!this.shas.has(name)) await this.guard(this.loadScripts());
    try {
      return (await this.guard(this.scripts.evalSha(this.shas.get(name) ?? '', call))) as ScriptReply;
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      await this.guard(this.loadScripts());
      return (await this.guard(this.scripts.evalSha(this.shas.get(name) ?? '', call))) as ScriptReply;
    }
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

function withRecord<R extends { kind: string }>(key: OtpKey, reply: ScriptReply): R {
  if (reply[0] === 'not_found') return { kind: 'not_found' } as R;
  return { kind: reply[0], otp: recordFromHash(key, reply[1] ?? [], reply[2] ?? 0) } as unknown as R;
}
