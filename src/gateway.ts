import { readFileSync } from 'node:fs';
import type { Express } from 'express';
import { createApp } from './app';
import type { LoadedConfig } from './config/load';
import type { Config } from './config/schema';
import type { Logger } from './logger';
import { metricsHandler } from './metrics/endpoint';
import { createMetrics, NO_METRICS, type GatewayMetrics } from './metrics/metrics';
import { createSealer } from './otp/crypto';
import { createRateLimits } from './security/rate-limits';
import { OtpService } from './otp/service';
import { buildProviders, type ProviderRegistry } from './providers/registry';
import { MemoryStore } from './store/memory-store';
import { RedisStore } from './store/redis-store';
import type { Store } from './store/store';

/** A gateway built from config: the app plus what must be closed on shutdown. */
export interface Gateway {
  app: Express;
  service: OtpService;
  store: Store;
  providers: ProviderRegistry;
  /** Prometheus metrics (`NO_METRICS` when `[metrics]` is off); rate limits report to `metrics.rateLimited`. */
  metrics: GatewayMetrics;
  /** Close the store and provider connections. */
  close(): Promise<void>;
}

/** Build the store named by `[store]`; the Redis store is connected and its scripts loaded. */
export async function createStore(config: Config, logger: Logger, metrics: GatewayMetrics = NO_METRICS): Promise<Store> {
  if (config.store.backend === 'memory') return new MemoryStore();
  const redis = config.store.redis;
  const store = new RedisStore({
    host: redis.host,
    port: redis.port,
    username: redis.username,
    password: redis.password,
    db: redis.db,
    url: redis.url,
    tls: redis.tls,
    // The config schema has checked that the file is readable.
    tlsCa: redis.tls_ca_file ? readFileSync(redis.tls_ca_file, 'utf8') : undefined,
    clusterNodes: redis.cluster_nodes,
    sentinels: redis.sentinels,
    sentinelName: redis.sentinel_name,
    sentinelPassword: redis.sentinel_password,
    keyPrefix: redis.key_prefix,
    publishKey: redis.publish_key,
    timeoutMs: redis.timeout,
    logger: logger.child({ component: 'redis' }),
    onCommandError: () => metrics.storeError(),
  });
  await store.connect();
  return store;
}

/** Wire config → store → providers → service → app. Never listens (see cli.ts). */
export async function buildGateway(loaded: Pick<LoadedConfig, 'config' | 'baseDirs'>, logger: Logger): Promise<Gateway> {
  const { config } = loaded;
  const providers = buildProviders(config, { logger, baseDirs: loaded.baseDirs });
  const metrics = config.metrics.enabled ? createMetrics() : NO_METRICS;
  const store = await createStore(config, logger, metrics);
  const sealer = createSealer(config.app.secret_key);
  const limits = createRateLimits(config.rate_limit, {
    redis: store instanceof RedisStore ? store.connection : undefined,
    keyPrefix: config.store.redis.key_prefix,
    timeoutMs: config.store.redis.timeout,
    sealer,
    logger,
    onLimited: (namespace, limit) => metrics.rateLimited(namespace, limit),
  });
  const service = new OtpService({
    store,
    providers,
    sealer,
    logger,
    beforeSend: limits.beforeSend,
    metrics,
    settings: {
      rootUrl: config.app.root_url,
      ttlSeconds: config.app.otp_ttl,
      maxAttempts: config.app.otp_max_attempts,
      maxGenerate: config.app.otp_max_generate,
      publishEvents: config.store.backend === 'redis' && config.store.redis.publish_key !== '',
    },
  });
  // `[auth.NAME]` without a `namespace` key uses its table name (Go-compatible).
  const auth = Object.entries(config.auth).map(([name, t]) => ({ ...t, namespace: t.namespace || name }));
  const tenants = auth.map((t) => ({ namespace: t.namespace, secret: t.secret }));
  const pages = {
    rootUrl: config.app.root_url,
    logoUrl: config.app.logo_url,
    faviconUrl: config.app.favicon_url,
    namespaces: new Map(auth.map((t) => [t.namespace, t.allowed_origins] as const)),
  };
  const app = createApp({
    service, store, providers, tenants, logger, pages,
    pageGuards: limits.pageGuards,
    afterAuth: limits.apiGuards,
    trustedProxies: config.app.trusted_proxies,
    metrics,
    metricsEndpoint: metricsOnAppPort(config, metrics),
  });
  return {
    app,
    service,
    store,
    providers,
    metrics,
    async close() {
      await Promise.allSettled([store.close(), providers.close()]);
    },
  };
}

/** `/metrics` on the app's port: metrics on and no `[metrics] address` of their own (cli.ts serves that one). */
function metricsOnAppPort(config: Config, metrics: GatewayMetrics): ReturnType<typeof metricsHandler> | undefined {
  const registry = metrics.registry;
  if (!registry || config.metrics.address !== '') return undefined;
  return metricsHandler({ collect: () => registry.metrics(), username: config.metrics.username, password: config.metrics.password });
}
