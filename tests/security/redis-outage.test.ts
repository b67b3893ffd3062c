import request from 'supertest';
import { createClient } from 'redis';
import { basic, buildTestGateway, TENANTS, type TestGateway } from '../helpers/gateway';
import { startRedis, type RedisServer } from '../helpers/redis-server';

/**
 * Redis outages under a running gateway, each with its own redis-server:
 * killed and restarted, stalled (SIGSTOP), and down at startup. Requests are
 * bounded with a client timeout: an answer that does not come in time fails the test.
 */

/**
 * Bound on each request while Redis is out: far above the store timeout (2 s) and
 * the health timeout (2 s), so a loaded machine does not fail the test, yet a
 * request that waits for Redis to come back (a hang) does.
 */
const FAST = 6000;
const TEST_TIMEOUT_MS = 90_000;

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
beforeAll(() => process.on('unhandledRejection', onUnhandled));
afterAll(() => process.off('unhandledRejection', onUnhandled));

async function gatewayOn(redis: RedisServer): Promise<TestGateway> {
  return buildTestGateway({
    store: 'redis',
    config: {
      app: { secret_key: 'outage-test-secret-key-0123456789abcdef' },
      store: { redis: { port: redis.port, timeout: '2s' } },
    },
  });
}

const health = (gw: TestGateway): Promise<request.Response> => request(gw.app).get('/api/health').timeout(FAST);
const create = (gw: TestGateway, id: string): Promise<request.Response> =>
  request(gw.app).put(`/api/otp/${id}`).set('Authorization', basic(TENANTS.a)).type('form').send('provider=log&to=someone').timeout(FAST);

/** Poll health until it answers 200 (Redis is back and the client reconnected). */
async function waitHealthy(gw: TestGateway, withinMs = 30_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if ((await health(gw)).status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the gateway did not recover after Redis came back');
}

/** A lifecycle round trip: create, then verify with the returned code. */
async function roundTrip(gw: TestGateway, id: string): Promise<void> {
  const created = await create(gw, id);
  expect(created.status).toBe(200);
  const verified = await request(gw.app).post(`/api/otp/${id}`).set('Authorization', basic(TENANTS.a)).type('form').send(`otp=${created.body.data.otp}`).timeout(FAST);
  expect(verified.status).toBe(200);
}

/** 503 with the envelope; API calls (not the health probe) also say when to retry. */
function expectUnavailable(res: request.Response, options: { retryAfter: boolean } = { retryAfter: true }): void {
  expect(res.status).toBe(503);
  expect(res.body).toMatchObject({ status: 'error', message: expect.stringMatching(/store/i) });
  if (options.retryAfter) expect(res.headers['retry-after']).toBeDefined();
}

describe('when Redis is killed and restarted under a running gateway', () => {
  let redis: RedisServer;
  let gw: TestGateway;
  beforeAll(async () => {
    redis = await startRedis();
    gw = await gatewayOn(redis);
  });
  afterAll(async () => {
    await gw.close();
    await redis.stop();
  });

  it('answers 503 at once on health, the API and the pages, then recovers by itself', async () => {
    await roundTrip(gw, 'before-000001');
    const pending = await create(gw, 'pending-0001');
    expect(pending.status).toBe(200);

    await redis.stop();
    expectUnavailable(await health(gw), { retryAfter: false });
    expectUnavailable(await create(gw, 'during-000001'));
    expectUnavailable(await request(gw.app).post('/api/otp/pending-0001').set('Authorization', basic(TENANTS.a)).type('form').send('otp=123456').timeout(FAST));
    const page = await request(gw.app).get('/otp/nsA/pending-0001').timeout(FAST);
    expect(page.status).toBe(503);
    expect(page.text).not.toMatch(/at .*\.js:\d+/); // no stack trace
    expect((await request(gw.app).get('/otp/nsA/pending-0001/status').timeout(FAST)).status).toBe(503);
    // Concurrent calls all get their 503, none hangs.
    const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => create(gw, `burst-${String(i).padStart(6, '0')}`)));
    expect(burst.map((r) => r.status)).toEqual(Array(20).fill(503));

    // A fresh redis-server: empty, without the scripts (NOSCRIPT → reloaded).
    await redis.restart();
    await waitHealthy(gw);
    await roundTrip(gw, 'after-0000001');
    expect(gw.logs.join('')).toMatch(/redis connection restored/);
    expect(unhandled).toEqual([]);
  }, TEST_TIMEOUT_MS);
});

describe('when Redis stalls (SIGSTOP) without closing the connection', () => {
  let redis: RedisServer;
  let gw: TestGateway;
  let pid = 0;
  beforeAll(async () => {
    redis = await startRedis();
    gw = await gatewayOn(redis);
    const admin = createClient({ socket: { host: '127.0.0.1', port: redis.port } });
    await admin.connect();
    pid = Number(/process_id:(\d+)/.exec(await admin.info('server'))?.[1]);
    await admin.close();
  });
  afterAll(async () => {
    if (pid) process.kill(pid, 'SIGCONT');
    await gw.close();
    await redis.stop();
  });

  it('answers 503 within the store timeout instead of hanging, and carries on when Redis resumes', async () => {
    expect(pid).toBeGreaterThan(0);
    await roundTrip(gw, 'stall-before1');
    process.kill(pid, 'SIGSTOP');
    try {
      expectUnavailable(await health(gw), { retryAfter: false });
      expectUnavailable(await create(gw, 'stall-during1'));
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await waitHealthy(gw);
    await roundTrip(gw, 'stall-after01');
    expect(unhandled).toEqual([]);
  }, TEST_TIMEOUT_MS);
});

describe('when Redis is down at startup', () => {
  let redis: RedisServer;
  let gw: TestGateway;
  beforeAll(async () => {
    redis = await startRedis();
    await redis.stop();
    // Must not hang: the store gives up waiting after its timeout and keeps reconnecting.
    gw = await gatewayOn(redis);
  });
  afterAll(async () => {
    await gw.close();
    await redis.stop();
  });

  it('starts anyway, answers 503 until Redis is up, then works without a restart', async () => {
    expect(gw.logs.join('')).toMatch(/redis is not reachable at startup/);
    expectUnavailable(await health(gw), { retryAfter: false });
    expectUnavailable(await create(gw, 'down-0000001'));
    await redis.restart();
    await waitHealthy(gw);
    await roundTrip(gw, 'up-000000001');
    expect(unhandled).toEqual([]);
  }, TEST_TIMEOUT_MS);
});
