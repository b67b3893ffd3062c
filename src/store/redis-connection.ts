import { createClient, createCluster, createSentinel } from 'redis';
import { parseHostPort, parseRedisUrl } from './redis-url';

/**
 * Builds the node-redis client for the topology `[store.redis]` names — one
 * server (host/port or url, optionally TLS), a Redis Cluster (`cluster_nodes`)
 * or a Sentinel-managed primary (`sentinels`) — with the same behaviour on
 * each: fail fast while disconnected (no offline queue), reconnect for ever
 * with a backoff, a connect timeout, and a start that never waits for Redis.
 */

/** Where Redis is and how to reach it (the connection part of `[store.redis]`). */
export interface RedisTarget {
  host: string;
  port: number;
  username: string;
  password: string;
  db: number;
  /** redis:// or rediss:// URL; when set it replaces host and port, and username, password and db where it has them. */
  url?: string;
  /** TLS to every node (also turned on by a rediss:// URL). */
  tls?: boolean;
  /** PEM certificates to trust instead of the system CAs (a private CA). */
  tlsCa?: string;
  /** "host:port" seeds of a Redis Cluster. */
  clusterNodes?: readonly string[];
  /** "host:port" of Sentinels, with the monitored primary's name. */
  sentinels?: readonly string[];
  sentinelName?: string;
  /** The Sentinels' own password (their `requirepass`), when they have one; the data nodes use `password`. */
  sentinelPassword?: string;
}

/** A script call: the keys (one, hash-tagged) and the arguments. */
export interface ScriptCall {
  keys: string[];
  arguments: string[];
}

/** The commands the store and the rate limits send; node-redis's standalone, cluster and sentinel clients all have them. */
export interface RedisCommands {
  evalSha(sha1: string, call: ScriptCall): Promise<unknown>;
  eval(script: string, call: ScriptCall): Promise<unknown>;
  del(key: string): Promise<number>;
  publish(channel: string, message: string): Promise<number>;
  ping(): Promise<unknown>;
  scriptLoad(script: string): Promise<string>;
}

/** A Redis connection of any topology. */
export interface RedisConnection {
  /** Where it connects, for logs (never credentials). */
  readonly where: string;
  /** The commands with node-redis's per-command timeout. */
  readonly commands: RedisCommands;
  /** The same without it: for callers that bound each wait themselves (RedisStore.guard), saving a timer per command. */
  readonly untimed: RedisCommands;
  /** The node-redis client itself (for rate-limiter-flexible). */
  readonly client: unknown;
  /** Resolve once connected; until then keep trying in the background, for ever (never rejects). */
  connect(): Promise<void>;
  /**
   * Listen to a pub/sub channel on a connection of its own (one server: a
   * duplicate client; cluster and sentinel clients keep one for pub/sub), so
   * commands never queue behind subscriber mode; resubscribed after reconnects.
   */
  subscribe(channel: string, listener: (message: string) => void): Promise<void>;
  close(): Promise<void>;
}

/** Hooks for the connection's life: each failed (re)connect or node error, and each (re)gained readiness. */
export interface ConnectionEvents {
  onError(err: Error): void;
  onReady(): void;
}

// Keep retrying for ever, backing off to one attempt a second.
const backoff = (retries: number): number => Math.min(50 * 2 ** retries, 1000);

/** What every topology's connections share: credentials, socket options (timeouts, TLS, reconnects) and the event hooks. */
interface Shared {
  target: RedisTarget;
  timeoutMs: number;
  events: ConnectionEvents;
  base: { host: string; port: number; username?: string; password?: string; db?: number };
  tls: boolean;
  tlsOptions: { tls?: true; ca?: string };
  socket: { connectTimeout: number; reconnectStrategy: typeof backoff; tls?: true; ca?: string };
  credentials: { username?: string; password?: string };
}

/** Build the client for `target`: a Redis Cluster, Sentinels, or one server; nothing connects until `connect()`. */
export function createRedisConnection(target: RedisTarget, timeoutMs: number, events: ConnectionEvents): RedisConnection {
  const fromUrl = target.url ? parseRedisUrl(target.url) : undefined;
  // The config schema refuses a bad URL before we get here.
  if (typeof fromUrl === 'string') throw new Error(`store.redis.url: ${fromUrl}`);
  // The URL's host and port replace the keys; its user, password and database only where it has them.
  const base = fromUrl
    ? { host: fromUrl.host, port: fromUrl.port, username: fromUrl.username ?? target.username, password: fromUrl.password ?? target.password, db: fromUrl.db ?? target.db }
    : target;
  const tls = target.tls === true || fromUrl?.tls === true;
  const tlsOptions = tls ? { tls: true as const, ...(target.tlsCa ? { ca: target.tlsCa } : {}) } : {};
  const shared: Shared = {
    target, timeoutMs, events, base, tls, tlsOptions,
    socket: { connectTimeout: timeoutMs, reconnectStrategy: backoff, ...tlsOptions },
    credentials: { username: base.username || undefined, password: base.password || undefined },
  };
  if (target.clusterNodes && target.clusterNodes.length > 0) return clusterConnection(target.clusterNodes, shared);
  if (target.sentinels && target.sentinels.length > 0) return sentinelConnection(target.sentinels, shared);
  return serverConnection(shared);
}

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

function clusterConnection(nodes: readonly string[], { timeoutMs, events, socket, credentials }: Shared): RedisConnection {
  const cluster = createCluster({
    rootNodes: nodes.map((entry) => ({ socket: { ...nodeAddress(entry) } })),
    // Defaults apply to every node connection the topology discovery opens, roots included.
    defaults: { ...credentials, disableOfflineQueue: true, socket },
    commandOptions: { timeout: timeoutMs },
  });
  cluster.on('error', (err: unknown) => events.onError(asError(err)));
  cluster.on('node-error', (err: unknown) => events.onError(asError(err)));
  cluster.on('node-ready', () => events.onReady());
  const commands: RedisCommands = {
    evalSha: (sha1, call) => cluster.evalSha(sha1, call),
    eval: (script, call) => cluster.eval(script, call),
    del: (key) => cluster.del(key),
    ping: () => cluster.ping(),
    scriptLoad: (script) => cluster.scriptLoad(script),
    // node-redis sends PUBLISH to a random node; through one node (the channel's slot master)
    // subscribers receive the events in the order they were published, as on one server.
    publish: async (channel, message) => (await cluster.getNodeClientForKey(channel)).publish(channel, message),
  };
  return retrying({
    where: `cluster ${nodes.join(',')}`,
    client: cluster,
    subscribe: async (channel, listener) => {
      await cluster.subscribe(channel, listener);
    },
    commands,
    untimed: cluster.withCommandOptions({ timeout: 0 }),
    // Nodes that are up but not yet joined (`--cluster create` still to run) answer CLUSTER SLOTS with nothing.
    notServing: () => (cluster.masters.length === 0 ? 'the Redis Cluster has no slots assigned yet' : undefined),
  }, events);
}

function sentinelConnection(sentinels: readonly string[], { target, timeoutMs, events, base, socket, tlsOptions, credentials }: Shared): RedisConnection {
  const sentinel = createSentinel({
    name: target.sentinelName ?? '',
    sentinelRootNodes: sentinels.map(nodeAddress),
    nodeClientOptions: { ...credentials, database: base.db, disableOfflineQueue: true, socket },
    // node-redis opens the Sentinel connections without reconnects of its own; it rediscovers instead.
    sentinelClientOptions: { password: target.sentinelPassword || undefined, socket: { connectTimeout: timeoutMs, ...tlsOptions } },
    commandOptions: { timeout: timeoutMs },
  });
  sentinel.on('error', (err: unknown) => events.onError(asError(err)));
  sentinel.on('client-error', (event: { error?: unknown }) => events.onError(asError(event.error)));
  sentinel.on('ready', () => events.onReady());
  const where = `sentinel ${sentinels.join(',')} (${target.sentinelName ?? ''})`;
  const subscribe = async (channel: string, listener: (message: string) => void): Promise<void> => {
    await sentinel.subscribe(channel, listener);
  };
  return retrying({ where, client: sentinel, commands: sentinel, untimed: sentinel.withCommandOptions({ timeout: 0 }), subscribe }, events);
}

function serverConnection({ timeoutMs, events, base, socket, tls, credentials }: Shared): RedisConnection {
  const client = createClient({
    ...credentials,
    database: base.db,
    // Fail fast while disconnected instead of queueing requests without bound.
    disableOfflineQueue: true,
    commandOptions: { timeout: timeoutMs },
    socket: { host: base.host, port: base.port, ...socket },
  });
  client.on('error', (err: unknown) => events.onError(asError(err)));
  client.on('ready', () => events.onReady());
  // A subscribed client serves no other command: pub/sub gets a duplicate, made on first use.
  let subscriber: ReturnType<typeof client.duplicate> | undefined;
  return {
    where: `${base.host}:${base.port}${tls ? ' (TLS)' : ''}`,
    commands: client,
    untimed: client.withCommandOptions({ timeout: 0 }),
    client,
    // The client's own reconnect strategy retries for ever, so this settles only once connected.
    connect: async () => {
      await client.connect();
    },
    subscribe: async (channel, listener) => {
      if (!subscriber) {
        subscriber = client.duplicate();
        subscriber.on('error', (err: unknown) => events.onError(asError(err)));
        await subscriber.connect();
      }
      await subscriber.subscribe(channel, listener);
    },
    close: async () => {
      const sub = subscriber;
      if (sub?.isOpen) await sub.close().catch(() => sub.destroy());
      if (client.isOpen) await client.close().catch(() => client.destroy());
    },
  };
}

function nodeAddress(entry: string): { host: string; port: number } {
  const address = parseHostPort(entry);
  if (!address) throw new Error(`expected "host:port", got ${JSON.stringify(entry)}`);
  return address;
}

/** A cluster or sentinel client and the views of it the connection hands out. */
interface Retried {
  where: string;
  client: { connect(): Promise<unknown>; close(): Promise<void> };
  commands: RedisCommands;
  untimed: RedisCommands;
  subscribe: RedisConnection['subscribe'];
  /** Why the client, though connected, cannot serve yet; undefined when it can. */
  notServing?: () => string | undefined;
}

/**
 * Cluster and sentinel clients give up when the first discovery fails (no seed
 * answers); retry it here with the same backoff, so a gateway started before
 * Redis connects once Redis is up, like the standalone client does by itself.
 */
function retrying({ where, client, commands, untimed, subscribe, notServing }: Retried, events: ConnectionEvents): RedisConnection {
  let closed = false;
  let wake: (() => void) | undefined;
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  let connecting: Promise<void> | undefined;
  const connectLoop = async (): Promise<void> => {
    for (let attempt = 0; !closed; attempt++) {
      try {
        await client.connect();
        const why = notServing?.();
        if (why) {
          await client.close().catch(() => undefined);
          throw new Error(why);
        }
        events.onReady();
        return;
      } catch (err) {
        events.onError(err instanceof Error ? err : new Error(String(err)));
        await pause(backoff(attempt));
      }
    }
  };
  return {
    where,
    commands,
    untimed,
    client,
    connect: () => (connecting ??= connectLoop()),
    subscribe,
    close: async () => {
      closed = true;
      wake?.();
      // Not waiting for an attempt in flight: closing the client ends it.
      await client.close().catch(() => undefined);
    },
  };
}
