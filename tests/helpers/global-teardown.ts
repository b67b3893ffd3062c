import type { RedisServer } from './redis-server';

/** Stop the redis-server started by global-setup.ts. */
export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __REDIS__?: RedisServer }).__REDIS__?.stop();
}
