import { createClient } from 'redis';
import { createLogger } from '../../src/log/logger';
import { RedisStore, type RedisStoreOptions } from '../../src/store/redis-store';
import { testRedisPort } from '../helpers/gateway';

/** A plain node-redis client, separate from the store's, to inspect what the store wrote. */
export type AdminClient = ReturnType<typeof adminClient>;

function adminClient(port: number) {
  return createClient({ socket: { host: '127.0.0.1', port } });
}

/** Connect an inspection client to a redis-server (default: the run-wide one). */
export async function connectAdmin(port = testRedisPort()): Promise<AdminClient> {
  const client = adminClient(port);
  await client.connect();
  return client;
}

/** Every key under `{prefix}:`, found with SCAN (never KEYS). */
export async function keysUnder(client: AdminClient, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of client.scanIterator({ MATCH: `${prefix}:*`, COUNT: 500 })) keys.push(...page);
  return keys.sort();
}

/** RedisStore options for tests: the run-wide redis-server, a silent logger, 3 s timeout; `overrides` win. */
export function testStoreOptions(overrides: Partial<RedisStoreOptions> = {}): RedisStoreOptions {
  return {
    host: '127.0.0.1',
    port: testRedisPort(),
    username: '',
    password: '',
    db: 0,
    keyPrefix: 'test',
    publishKey: '',
    timeoutMs: 3000,
    logger: createLogger({ silent: true }),
    ...overrides,
  };
}

/** A RedisStore on the run-wide redis-server with a silent logger, connected and scripts loaded. */
export async function connectStore(keyPrefix: string, publishKey = ''): Promise<RedisStore> {
  const store = new RedisStore(testStoreOptions({ keyPrefix, publishKey }));
  await store.connect();
  return store;
}
