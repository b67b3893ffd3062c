import { z } from 'zod';
import { PROVIDER_KINDS, WEBHOOK_KIND } from '../providers/kinds';
import { rateLimitSchema } from '../security/rate-limit-config';
import { invalidProxyEntries } from '../security/trusted-proxies';
import { metricsSchema } from '../metrics/config';
import { countryList } from '../security/sms-pumping/countries';
import { routeSchema } from '../routing/config';
import { signingSchema } from '../signing/config';
import { parseHostPort, parseRedisUrl } from '../store/redis-url';
import { bool, duration, int, languageTag, oneOf, parseAddress, port, readConfigFile, seconds, text, textList, url } from '../config-fields';

/**
 * The configuration schema: every key, its default and what it accepts.
 * config.sample.toml documents the same keys; tests load it through this schema.
 * Tables are strict so that unknown keys surface (as warnings, see load.ts).
 */

/** A TOML table whose absence means "all defaults". */
function table<S extends z.ZodRawShape>(shape: S) {
  return z.preprocess((v) => v ?? {}, z.strictObject(shape));
}

/** A table of tables keyed by a user-chosen name (auth tenants, webhooks). */
function tablesOf<T extends z.ZodType>(entry: T) {
  return z.preprocess((v) => v ?? {}, z.record(z.string(), entry));
}

const NAMESPACE = /^[A-Za-z0-9_.@-]{1,64}$/;

/**
 * Cross-key checks run even when some fields already failed, so that one start
 * reports every problem; their callbacks therefore check types before use
 * (a failed field holds a placeholder, not its type).
 */
const ALWAYS = { when: (): boolean => true };

const appSchema = table({
  address: text('0.0.0.0:9000'),
  server_timeout: duration('5s', 600_000),
  enable_debug_logs: bool(false),
  root_url: url('http://localhost:9000'),
  otp_ttl: seconds(300, 1, 86400),
  otp_max_attempts: int(5, 1, 1_000_000),
  otp_max_generate: int(3, 1, 1_000_000),
  logo_url: url('', { optional: true }),
  favicon_url: url('', { optional: true }),
  secret_key: text(''),
  trusted_proxies: textList([]),
  workers: int(1, 0, 256),
  default_language: languageTag('en'),
  max_otps_per_namespace: int(10_000, 0, 100_000_000),
  max_extra_bytes: int(4096, 2, 65_536),
  sms_countries: countryList(),
}).superRefine((app, ctx) => {
  if (typeof app.address === 'string' && !parseAddress(app.address)) {
    ctx.addIssue({ code: 'custom', path: ['address'], message: `expected "host:port" with a port 0-65535, got ${JSON.stringify(app.address)}` });
  }
  if (typeof app.secret_key === 'string' && app.secret_key !== '' && app.secret_key.length < 32) {
    ctx.addIssue({ code: 'custom', path: ['secret_key'], message: 'expected at least 32 characters (use `otpgateway --new-config` to generate one)' });
  }
  const badProxies = Array.isArray(app.trusted_proxies) ? invalidProxyEntries(app.trusted_proxies) : [];
  if (badProxies.length > 0) {
    ctx.addIssue({ code: 'custom', path: ['trusted_proxies'], message: `expected IP addresses or CIDRs (e.g. "10.0.0.0/8"), got ${JSON.stringify(badProxies)}` });
  }
}, ALWAYS);

const redisSchema = table({
  host: text('localhost'),
  port: port(6379),
  username: text(''),
  password: text(''),
  db: int(0, 0, 15),
  key_prefix: text('OTP'),
  publish_key: text(''),
  timeout: duration('3s', 60_000),
  url: text(''),
  tls: bool(false),
  tls_ca_file: text(''),
  cluster_nodes: textList([]),
  sentinels: textList([]),
  sentinel_name: text(''),
  sentinel_password: text(''),
}).superRefine((redis, ctx) => {
  const issue = (key: string, message: string): void => ctx.addIssue({ code: 'custom', path: [key], message });
  const list = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]) : []);
  const [clusterNodes, sentinels] = [list(redis.cluster_nodes), list(redis.sentinels)];
  for (const key of ['cluster_nodes', 'sentinels'] as const) {
    const bad = list(redis[key]).filter((entry) => !parseHostPort(entry));
    if (bad.length > 0) issue(key, `expected "host:port" entries such as "10.0.0.1:6379", got ${JSON.stringify(bad)}`);
  }
  if (clusterNodes.length > 0 && sentinels.length > 0) {
    issue('sentinels', 'set either cluster_nodes (Redis Cluster) or sentinels (Sentinel), not both');
  }
  if (sentinels.length > 0 && redis.sentinel_name === '') {
    issue('sentinel_name', 'expected the name of the primary the Sentinels monitor (their `sentinel monitor <name> ...` line)');
  }
  if (clusterNodes.length > 0 && typeof redis.db === 'number' && redis.db !== 0) {
    issue('db', 'a Redis Cluster has only database 0: remove db or set it to 0');
  }
  if (typeof redis.url === 'string' && redis.url !== '') {
    const parsed = parseRedisUrl(redis.url);
    if (typeof parsed === 'string') issue('url', parsed);
    else if (clusterNodes.length > 0 || sentinels.length > 0) {
      issue('url', 'a url names one server: with cluster_nodes or sentinels leave it empty and use username, password and tls');
    }
  }
  if (typeof redis.key_prefix === 'string' && /[{}]/.test(redis.key_prefix)) {
    issue('key_prefix', 'expected no { or } (the store uses them for Redis Cluster hash tags)');
  }
  if (typeof redis.tls_ca_file === 'string' && redis.tls_ca_file !== '') {
    const problem = unreadablePem(redis.tls_ca_file);
    if (problem) issue('tls_ca_file', problem);
  }
}, ALWAYS);

const storeSchema = z.preprocess(
  (v) => {
    // Go configs have a [store.redis] table and no backend key: that means Redis.
    const store = (v ?? {}) as Record<string, unknown>;
    if (typeof store !== 'object' || store.backend !== undefined) return store;
    return { ...store, backend: store.redis !== undefined ? 'redis' : 'memory' };
  },
  z.strictObject({ backend: oneOf('memory', ['memory', 'redis'] as const), redis: redisSchema }),
);

const authSchema = tablesOf(
  z.strictObject({
    namespace: text(''),
    secret: text(''),
    allowed_origins: textList([]),
    default_language: languageTag('', { optional: true }),
    // Absent: the app's list; present (even []): this namespace's own.
    sms_countries: countryList().optional(),
    // The redirect flow (results.md): where the gateway may send the browser back to, compared byte for byte.
    redirect_uris: textList([]),
    // Event webhooks (results.md): where this namespace's OTP events are POSTed, and the secret that signs them.
    events_url: url('', { optional: true }),
    events_secret: text(''),
  }).superRefine((t, ctx) => {
    const uris = Array.isArray(t.redirect_uris) ? (t.redirect_uris as unknown[]) : [];
    uris.forEach((uri, i) => {
      const problem = typeof uri === 'string' ? redirectUriProblem(uri) : undefined;
      if (problem) ctx.addIssue({ code: 'custom', path: ['redirect_uris', i], message: problem });
    });
    if (typeof t.events_url === 'string' && t.events_url !== '' && typeof t.events_secret === 'string' && t.events_secret.length < 16) {
      ctx.addIssue({ code: 'custom', path: ['events_secret'], message: 'expected a secret of 16+ characters to sign the events sent to events_url' });
    }
  }, ALWAYS),
);

const providerTables = Object.fromEntries(
  Object.entries(PROVIDER_KINDS).map(([id, kind]) => [id, kind.schema.optional()]),
) as { [K in keyof typeof PROVIDER_KINDS]: z.ZodOptional<(typeof PROVIDER_KINDS)[K]['schema']> };

/** The whole configuration file, after defaults. */
export const configSchema = z
  .strictObject({
    app: appSchema,
    store: storeSchema,
    auth: authSchema,
    providers: table(providerTables),
    webhooks: tablesOf(WEBHOOK_KIND.schema),
    routes: tablesOf(routeSchema),
    rate_limit: rateLimitSchema,
    metrics: metricsSchema,
    signing: signingSchema,
  })
  .superRefine((config, ctx) => {
    const seen = new Map<string, string>();
    for (const [name, tenant] of Object.entries(isRecord(config.auth) ? config.auth : {})) {
      if (!isRecord(tenant) || typeof tenant.namespace !== 'string' || typeof tenant.secret !== 'string') continue;
      const namespace = tenant.namespace || name;
      if (!NAMESPACE.test(namespace)) {
        ctx.addIssue({ code: 'custom', path: ['auth', name, 'namespace'], message: `expected 1-64 characters of A-Z a-z 0-9 _ . @ -, got ${JSON.stringify(namespace)}` });
      }
      if (!tenant.secret) ctx.addIssue({ code: 'custom', path: ['auth', name, 'secret'], message: 'expected a non-empty secret' });
      const other = seen.get(namespace);
      if (other) ctx.addIssue({ code: 'custom', path: ['auth', name, 'namespace'], message: `namespace "${namespace}" is also used by [auth.${other}]` });
      seen.set(namespace, name);
    }
    for (const name of Object.keys(isRecord(config.webhooks) ? config.webhooks : {})) {
      if (name in PROVIDER_KINDS) {
        ctx.addIssue({ code: 'custom', path: ['webhooks', name], message: `"${name}" is the id of a built-in provider; choose another webhook name` });
      }
    }
    if (isRecord(config.app) && isRecord(config.store) && typeof config.app.workers === 'number' && config.app.workers !== 1 && config.store.backend === 'memory') {
      ctx.addIssue({ code: 'custom', path: ['app', 'workers'], message: 'the memory store lives in one process: use workers = 1, or the Redis store for more workers' });
    }
    if (isRecord(config.app) && isRecord(config.metrics) && config.metrics.enabled === true && config.metrics.address === '' && config.app.workers !== 1) {
      ctx.addIssue({ code: 'custom', path: ['metrics', 'address'], message: 'with app.workers other than 1 the primary process aggregates the metrics and serves them on a port of its own: set metrics.address, e.g. "127.0.0.1:9100"' });
    }
  }, ALWAYS);

/** Validated configuration, frozen after loading. */
export type Config = z.output<typeof configSchema>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && (value as { status?: unknown }).status !== 'aborted';
}

/** Why a redirect_uri cannot be used (not an absolute http(s) URL, or with a #fragment); undefined when it can. */
function redirectUriProblem(uri: string): string | undefined {
  try {
    const u = new URL(uri);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return `expected an http(s) URL, got ${JSON.stringify(uri)}`;
    if (uri.includes('#')) return `expected no #fragment (the gateway appends token and state to the query), got ${JSON.stringify(uri)}`;
    return undefined;
  } catch {
    return `expected an absolute http(s) URL, got ${JSON.stringify(uri)}`;
  }
}

/** Why a PEM certificate file cannot be used (unreadable, or no certificate in it); undefined when it can. */
function unreadablePem(file: string): string | undefined {
  const read = readConfigFile(file);
  if ('unreadable' in read) return `${read.unreadable} (expected a PEM file of the CA certificates to trust)`;
  return read.text.includes('-----BEGIN CERTIFICATE-----') ? undefined : `${JSON.stringify(file)} holds no PEM certificate ("-----BEGIN CERTIFICATE-----")`;
}
