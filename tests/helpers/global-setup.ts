import { startRedis } from './redis-server';

/** Start one redis-server for the whole run; tests read its port from OTP_TEST_REDIS_PORT. */
export default async function globalSetup(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const redis = await startRedis();
  process.env.OTP_TEST_REDIS_PORT = String(redis.port);
  (globalThis as { __REDIS__?: unknown }).__REDIS__ = redis;
}
