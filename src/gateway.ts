import { readFileSync } from 'node:fs';
import type { RequestListener } from 'node:http';
import type { RequestHandler } from 'express';
import { createApp } from './app';
import type { LoadedConfig } from './config/load';
import type { Config } from './config/schema';
import { API_ROUTE_NAMES } from './http/api/routes';
import type { ApiStep } from './http/api/types';
import type { Logger } from './log/logger';
import { metricsHandler } from './metrics/endpoint';
import { createMetrics, NO_METRICS, type GatewayMetrics } from './metrics/metrics';
import { createSealer } from './otp/crypto';
import { resultSignerFrom } from './signing/from-config';
import { createEventWebhooks, type EventWebhooks } from './events/webhooks';
import type { SendGuard } from './otp/send';
import { OtpService } from './otp/service';
import { buildProviders, type ProviderRegistry } from './providers/registry';
import { PROVIDER_KIND_IDS } from './providers/kinds';
import { buildRoutes, type BuiltRoutes } from './routing/build';
import { withRoutes } from './routing/channels';
import { warnLongSmsTemplates } from './providers/sms-length';
import { createRateLimits, type RateLimits } from './security/rate-limits';
import { createSendPolicy } from './security/sms-pumping/policy';
import { warnAllCountries } from './security/sms-pumping/startup-warning';
import { countryLabelOf } from './metrics/country-label';
import { MemoryOutbox } from './outbox/memory-outbox';
import type { Outbox } from './outbox/outbox';
import { RedisOutbox } from './outbox/redis-outbox';
import { MemoryStore } from './store/memory-store';
import type { RedisTarget } from './store/redis-connection';
import { RedisStore } from './store/redis-store';
import type { Store } from './store/store';

/** A gateway built from config: the request listener plus what must be closed on shutdown. */
export interface Gateway {
  /** The HTTP request listener (`http.createServer(gateway.app)`). */
  app: RequestListener;
  service: OtpService;
  store: Store;
  providers: ProviderRegistry;
  /** Prometheus metrics (`NO_METRICS` when `[metrics]` is off). */
  metrics: GatewayMetrics;
  /** End the long polls of `GET /api/outbox?wait` now, so that a graceful stop does not wait up to 30 s for them. */
  releaseWaiters(): void;
  /** The namespaces' event webhooks (`[auth.X] events_url`). */
  events: EventWebhooks;
  /** Close the store and provider connections. */
  close(): Promise<void>;
}

/** Labels of HTTP requests that are not API routes. */
const WEB_ROUTES = ['page', 'static', 'no_route'];

/** The Redis server, cluster or Sentinels of `[store.redis]`, as the store and the outbox connect to them. */
function redisTarget(config: Config): RedisTarget {
  const redis = config.store.redis;
  return {
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
  };
}

/** Build the store named by `[store]`; the Redis store is connected and its scripts loaded. */
export async function createStore(config: Config, logger: Logger, metrics: GatewayMetrics = NO_METRICS): Promise<Store> {
  if (config.store.backend === 'memory') return new MemoryStore({ maxPerNamespace: config.app.max_otps_per_namespace });
  const redis = config.store.redis;
  const store = new RedisStore({
    ...redisTarget(config),
    keyPrefix: redis.key_prefix,
    publishKey: redis.publish_key,
    timeoutMs: redis.timeout,
    logger: logger.child({ component: 'redis' }),
    onCommandError: () => metrics.storeError(),
  });
  await store.connect();
  return store;
}

/** The outbox the `outbox` provider keeps messages in: in Redis with the Redis store (all instances share it), else in memory. */
export function createOutbox(config: Config, logger: Logger): Outbox {
  if (config.store.backend === 'memory') return new MemoryOutbox();
  const redis = config.store.redis;
  return new RedisOutbox({
    ...redisTarget(config),
    keyPrefix: redis.key_prefix,
    ttlSeconds: config.app.otp_ttl * 2,
    timeoutMs: redis.timeout,
    logger: logger.child({ component: 'outbox' }),
  });
}

/** Wire config → providers → store → limits → service → app. Never listens (see cli.ts). */
export async function buildGateway(loaded: Pick<LoadedConfig, 'config' | 'baseDirs'> & Partial<Pick<LoadedConfig, 'embedded'>>, logger: Logger): Promise<Gateway> {
  const { config } = loaded;
  // `[auth.NAME]` without a `namespace` key uses its table name (Go-compatible).
  const auth = Object.entries(config.auth).map(([name, t]) => ({ ...t, namespace: t.namespace || name }));
  const languages = {
    app: config.app.default_language,
    namespaces: new Map(auth.filter((t) => t.default_language !== '').map((t) => [t.namespace, t.default_language] as const)),
  };
  const outbox = createOutbox(config, logger);
  const providers = buildProviders(config, { logger, baseDirs: loaded.baseDirs, languages, outbox });
  // Only an enabled `outbox` provider opens the outbox (its Redis connections) and its routes.
  const outboxEnabled = providers.get('outbox') !== undefined;
  const routes = buildRoutesOrClose(config, providers, logger);
  const channels = withRoutes(providers, routes.channels);
  if (outboxEnabled) await outbox.connect();
  else await outbox.close();
  warnLongSmsTemplates(providers, { namespace: longest(auth.map((t) => t.namespace)) ?? 'myApp', ttlSeconds: config.app.otp_ttl, rootUrl: config.app.root_url }, logger);
  const metrics = config.metrics.enabled
    ? createMetrics({
        namespaces: auth.map((t) => t.namespace),
        providers: channels.ids,
        routes: [...API_ROUTE_NAMES, ...WEB_ROUTES],
        deliveryRoutes: routes.channels.map((r) => r.id),
        breakers: routes.breakers,
        countryOf: countryLabelOf(channels),
      })
    : NO_METRICS;
  const signer = await resultSignerFrom({
    files: config.signing.key_files,
    ttlSeconds: config.signing.token_ttl,
    issuer: config.app.root_url,
    embedded: loaded.embedded === true,
    logger,
  });
  const events = createEventWebhooks({
    targets: new Map(auth.filter((t) => t.events_url !== '').map((t) => [t.namespace, { url: t.events_url, secret: t.events_secret }] as const)),
    logger,
    onDropped: (namespace, reason) => metrics.eventDropped(namespace, reason),
  });
  const store = await createStore(config, logger, metrics);
  const sealer = createSealer(config.app.secret_key);
  const limits = createRateLimits(config.rate_limit, {
    redis: store instanceof RedisStore ? store.connection : undefined,
    keyPrefix: config.store.redis.key_prefix,
    timeoutMs: config.store.redis.timeout,
    sealer,
    onLimited: (limit, namespace) => metrics.rateLimited(limit, namespace),
  });
  const countries = {
    app: config.app.sms_countries,
    namespaces: new Map(auth.flatMap((t) => (t.sms_countries ? [[t.namespace, t.sms_countries] as const] : []))),
  };
  warnAllCountries(countries, auth.map((t) => t.namespace), channels, logger);
  const rl = config.rate_limit;
  const sendPolicy = createSendPolicy(
    {
      countries,
      limits: { sendsPerRange: rl.sends_per_range, rangeDigits: rl.range_digits, sendsPerNamespace: rl.sends_per_namespace, sendsPerCountry: rl.sends_per_country, windowMs: rl.sends_window },
    },
    { store, sealer, logger, onLimited: (limit, namespace) => metrics.rateLimited(limit, namespace) },
  );
  const service = new OtpService({
    store,
    channels,
    sealer,
    logger,
    sendPolicy,
    sendGuards: [limits.perAddress].filter((g): g is SendGuard => g !== undefined),
    listeners: [metrics.onOtpEvent, events.listener],
    tokens: signer,
    settings: {
      rootUrl: config.app.root_url,
      ttlSeconds: config.app.otp_ttl,
      maxAttempts: config.app.otp_max_attempts,
      maxGenerate: config.app.otp_max_generate,
      maxExtraBytes: config.app.max_extra_bytes,
      publishEvents: config.store.backend === 'redis' && config.store.redis.publish_key !== '',
      redirectUris: new Map(auth.map((t) => [t.namespace, t.redirect_uris] as const)),
    },
  });
  const app = createApp({
    service,
    store,
    channels,
    outbox: outboxEnabled ? outbox : undefined,
    tenants: auth.map((t) => ({ namespace: t.namespace, secret: t.secret })),
    logger,
    pages: {
      rootUrl: config.app.root_url,
      logoUrl: config.app.logo_url,
      faviconUrl: config.app.favicon_url,
      namespaces: new Map(auth.map((t) => [t.namespace, t.allowed_origins] as const)),
      languages,
      returns: signer?.returns,
      redirectOrigins: new Map(auth.map((t) => [t.namespace, [...new Set(t.redirect_uris.map((u) => new URL(u).origin))]] as const)),
    },
    ...guardSteps(limits),
    trustedProxies: config.app.trusted_proxies,
    metrics,
    metricsEndpoint: metricsOnAppPort(config, metrics),
    jwks: signer?.jwks,
  });
  return {
    app,
    service,
    store,
    providers,
    metrics,
    releaseWaiters: () => outbox.release(),
    events,
    async close() {
      events.close();
      await Promise.allSettled([store.close(), providers.close(), outboxEnabled ? outbox.close() : undefined]);
    },
  };
}

/** The `[routes.*]` over the enabled providers; a config error closes the providers' pools before it is thrown. */
function buildRoutesOrClose(config: Config, providers: ProviderRegistry, logger: Logger): BuiltRoutes {
  try {
    return buildRoutes(config.routes, providers, { providerKinds: PROVIDER_KIND_IDS, webhooks: Object.keys(config.webhooks) }, logger);
  } catch (err) {
    void providers.close();
    throw err;
  }
}

/** The longest of some names (the sample namespace of the SMS length check), or undefined for none. */
function longest(names: readonly string[]): string | undefined {
  return names.reduce<string | undefined>((a, b) => (a === undefined || b.length > a.length ? b : a), undefined);
}

/** The rate limits as steps of the two surfaces: after auth on the API, before each page. */
function guardSteps(limits: RateLimits): { apiGuards: ApiStep[]; pageGuards: RequestHandler[] } {
  const { perNamespace, perClient } = limits;
  return {
    apiGuards: perNamespace ? [(request) => (request.namespace ? perNamespace(request.namespace) : undefined)] : [],
    pageGuards: perClient ? [(req, _res, next) => void perClient(req.ip ?? req.socket.remoteAddress ?? 'unknown').then(() => next(), next)] : [],
  };
}

/** `/metrics` on the app's port: metrics on and no `[metrics] address` of their own (cli.ts serves that one). */
function metricsOnAppPort(config: Config, metrics: GatewayMetrics): RequestListener | undefined {
  const registry = metrics.registry;
  if (!registry || config.metrics.address !== '') return undefined;
  return metricsHandler({ collect: () => registry.metrics(), username: config.metrics.username, password: config.metrics.password });
}
