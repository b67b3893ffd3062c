import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { validate } from '../../src/config/load';
import { buildGateway, type Gateway } from '../../src/gateway';
import { createLogger, type Logger } from '../../src/log/logger';
import { checkedAgainstOpenApi } from './openapi-check';

/** Port of the run-wide redis-server (see global-setup.ts). */
export function testRedisPort(): number {
  const port = Number(process.env.OTP_TEST_REDIS_PORT);
  if (!port) throw new Error('OTP_TEST_REDIS_PORT is not set: run the tests through jest (npm test)');
  return port;
}

/** Raw config tables for a test gateway, merged over the defaults below. */
export type RawConfig = Record<string, Record<string, unknown>>;

/** Options of a test gateway. */
export interface TestGatewayOptions {
  store: 'memory' | 'redis';
  /** Extra config tables (shallow-merged per top-level table). */
  config?: RawConfig;
}

/** A gateway for a test, with a log capture and its Redis key prefix. */
export interface TestGateway extends Gateway {
  logs: string[];
  keyPrefix: string;
  logger: Logger;
}

/** Namespaces every test gateway has. */
export const TENANTS = { a: { namespace: 'nsA', secret: 'secret-of-tenant-A' }, b: { namespace: 'nsB', secret: 'secret-of-tenant-B' } } as const;

/**
 * Build a gateway on the memory store or the run-wide Redis (with a key prefix
 * of its own, so tests never see each other's keys). Logs are captured in `logs`.
 */
export async function buildTestGateway(options: TestGatewayOptions): Promise<TestGateway> {
  const keyPrefix = `t-${randomUUID().slice(0, 8)}`;
  const extra = options.config ?? {};
  const raw: RawConfig = {
    app: { root_url: 'http://gw.test', ...extra.app },
    store:
      options.store === 'redis'
        ? { backend: 'redis', redis: { host: '127.0.0.1', port: testRedisPort(), key_prefix: keyPrefix, ...(extra.store?.redis as object) } }
        : { backend: 'memory' },
    auth: { A: TENANTS.a, B: TENANTS.b, ...extra.auth },
    providers: { log: { enabled: true }, ...extra.providers },
    webhooks: { ...extra.webhooks },
  };
  for (const [name, table] of Object.entries(extra)) if (!(name in raw)) raw[name] = table;
  const { config } = validate(raw);
  const logs: string[] = [];
  const logger = createLogger({
    debug: true,
    destination: new Writable({
      write(chunk: Buffer, _enc, done) {
        logs.push(chunk.toString());
        done();
      },
    }),
  });
  const gateway = await buildGateway({ config, baseDirs: [process.cwd()] }, logger);
  // Every /api answer it gives is checked against openapi.json.
  return { ...gateway, app: checkedAgainstOpenApi(gateway.app), logs, keyPrefix, logger };
}

/** Basic auth header value for a tenant. */
export function basic(tenant: { namespace: string; secret: string }): string {
  return `Basic ${Buffer.from(`${tenant.namespace}:${tenant.secret}`).toString('base64')}`;
}
