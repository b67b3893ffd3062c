import { createClient } from 'redis';
import request from 'supertest';
import { basic, buildTestGateway, TENANTS, type RawConfig, type TestGateway } from '../helpers/gateway';
import { startRedisCluster, type RedisClusterSetup } from '../helpers/redis-cluster';
import { redisCli } from '../helpers/redis-processes';
import { itSpendsTheAttemptBudgetExactlyOnce, newId, OTP_OBJECT_FIELDS, useApi } from './api-harness';

// Starting three redis-servers and joining them into a cluster takes a few seconds.
jest.setTimeout(60_000);

const MISSING = { status: 'error', code: 'not_found', message: 'The OTP does not exist or has expired.' };

describe('the /api surface on a gateway whose store is a 3-master Redis Cluster', () => {
  let cluster: RedisClusterSetup;
  // Filled in once the cluster runs, before the nested blocks build their gateways.
  const config: RawConfig = {};
  beforeAll(async () => {
    cluster = await startRedisCluster();
    config.store = { redis: { cluster_nodes: cluster.nodes } };
  });
  afterAll(() => cluster?.stop());

  describe('the OTP lifecycle', () => {
    const api = useApi('redis', config);

    async function createOtp(fields: Record<string, unknown> = {}): Promise<{ id: string; code: string }> {
      const id = newId('cluster');
      const res = await api.as.a.put(`/api/otp/${id}`, { provider: 'log', to: 'john@example.com', ...fields }).expect(200);
      return { id, code: res.body.data.otp as string };
    }

    it('answers health with 200 once every master answers', async () => {
      expect((await api.anonymous.get('/api/health').expect(200)).body).toEqual({ status: 'success', data: 'OK' });
    });

    it('creates, refuses a wrong code, verifies the right one and reports the status, for ids spread over the slots', async () => {
      for (let i = 0; i < 12; i++) {
        const { id, code } = await createOtp({ max_attempts: 3 });
        const wrong = await api.as.a.post(`/api/otp/${id}`, { otp: 'wrong' }).expect(400);
        expect(wrong.body).toMatchObject({ message: 'Incorrect OTP.', data: { id, attempts: 1, closed: false } });
        await api.as.a.post(`/api/otp/${id}/status`).expect(400);
        const right = await api.as.a.post(`/api/otp/${id}`, { otp: code, skip_delete: true }).expect(200);
        expect(Object.keys(right.body.data).sort()).toEqual(OTP_OBJECT_FIELDS);
        expect(right.body.data).toMatchObject({ id, namespace: 'nsA', attempts: 2, closed: true });
        expect((await api.as.a.post(`/api/otp/${id}/status`).expect(200)).body.data).toMatchObject({ id, closed: true });
        expect((await api.as.a.delete(`/api/otp/${id}/status`).expect(200)).body.data).toMatchObject({ id, closed: true });
        expect((await api.as.a.post(`/api/otp/${id}/status`).expect(400)).body).toEqual(MISSING);
      }
    });

    it('counts regenerations against max_generate and cancels with DELETE', async () => {
      const { id } = await createOtp({ max_generate: 2 });
      expect((await api.as.a.put(`/api/otp/${id}`, { provider: 'log', max_generate: 2 }).expect(200)).body.data.generate).toBe(2);
      expect((await api.as.a.put(`/api/otp/${id}`, { provider: 'log', max_generate: 2 })).status).toBe(429);
      expect((await api.as.a.delete(`/api/otp/${id}`).expect(200)).body).toEqual({ status: 'success', data: true });
      expect((await api.as.a.post(`/api/otp/${id}`, { otp: '123456' }).expect(400)).body).toEqual(MISSING);
    });

    itSpendsTheAttemptBudgetExactlyOnce(api, createOtp);

    it('treats the same id in two namespaces as two unrelated OTPs', async () => {
      const id = newId('twin');
      await api.as.a.put(`/api/otp/${id}`, { provider: 'log', otp: 'code-of-A' }).expect(200);
      await api.as.b.put(`/api/otp/${id}`, { provider: 'log', otp: 'code-of-B' }).expect(200);
      expect((await api.as.b.post(`/api/otp/${id}`, { otp: 'code-of-A' }).expect(400)).body.data).toMatchObject({ namespace: 'nsB', attempts: 1 });
      expect((await api.as.a.post(`/api/otp/${id}`, { otp: 'code-of-A' }).expect(200)).body.data).toMatchObject({ namespace: 'nsA', attempts: 1 });
    });
  });

  describe('rate limits', () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await buildTestGateway({
        store: 'redis',
        config: { ...config, rate_limit: { sends_per_address: 3, pages_per_ip: 2, api_per_namespace: 5, api_window: '1m' } },
      });
    });
    afterAll(() => gw.close());

    it('refuses sends, API calls and page loads over their limits with 429, counters kept in the cluster under hash-tagged keys', async () => {
      const sends: number[] = [];
      for (let i = 0; i < 4; i++) {
        sends.push((await request(gw.app).put(`/api/otp/${newId('limit')}`).set('Authorization', basic(TENANTS.a)).send({ provider: 'log', to: 'same@example.com' })).status);
      }
      expect(sends).toEqual([200, 200, 200, 429]);
      const calls: number[] = [];
      for (let i = 0; i < 6; i++) calls.push((await request(gw.app).get('/api/providers').set('Authorization', basic(TENANTS.b))).status);
      expect(calls).toEqual([200, 200, 200, 200, 200, 429]);
      const pages: number[] = [];
      for (let i = 0; i < 3; i++) pages.push((await request(gw.app).get('/otp/nsA/page-000001')).status);
      expect(pages).toEqual([404, 404, 429]);

      const found = (await Promise.all(cluster.ports.map((port) => keysOnNode(port, `${gw.keyPrefix}:rl:`)))).flat();
      expect(found.every(({ pttl }) => pttl > 0)).toBe(true);
      const counters = found.map(({ key }) => key);
      // One counter per address, per namespace (the creates counted for nsA too) and per client IP.
      for (const limit of ['send', 'page']) expect(counters.filter((k) => k.startsWith(`${gw.keyPrefix}:rl:${limit}:{`))).toHaveLength(1);
      expect(counters.filter((k) => k.includes(':rl:api:')).sort()).toEqual([`${gw.keyPrefix}:rl:api:{nsA}`, `${gw.keyPrefix}:rl:api:{nsB}`]);
      const port = cluster.ports[0] as number;
      for (const key of counters) {
        const tag = /\{([^}]+)\}/.exec(key)?.[1] ?? '';
        expect(await redisCli(port, 'CLUSTER', 'KEYSLOT', key)).toBe(await redisCli(port, 'CLUSTER', 'KEYSLOT', tag));
      }
    });
  });

  /** The keys under `prefix` that live on one node, with their PTTL. */
  async function keysOnNode(port: number, prefix: string): Promise<{ key: string; pttl: number }[]> {
    const client = createClient({ socket: { host: '127.0.0.1', port } });
    await client.connect();
    try {
      const keys: { key: string; pttl: number }[] = [];
      for await (const page of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
        for (const key of page) keys.push({ key, pttl: await client.pTTL(key) });
      }
      return keys;
    } finally {
      await client.close();
    }
  }
});
