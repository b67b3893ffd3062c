import request from 'supertest';
import { connectAdmin, keysUnder } from '../store/redis-admin';
import { basic, buildTestGateway, TENANTS, type RawConfig, type TestGateway } from '../helpers/gateway';
import { startHttpPeer, type HttpPeer } from '../helpers/http-peer';

// Many sequential requests: generous on a loaded machine (a hang still fails).
jest.setTimeout(90_000);

const SECRET_KEY = 'k'.repeat(16) + 'rate-limit-test-secret-key';

async function gatewayWith(store: 'memory' | 'redis', peer: HttpPeer, extra: RawConfig = {}): Promise<TestGateway> {
  return buildTestGateway({
    store,
    config: {
      ...extra,
      app: { secret_key: SECRET_KEY, ...extra.app },
      providers: { log: { enabled: false } },
      webhooks: { phone: { enabled: true, url: `${peer.url}/hook`, max_address_len: 20 } },
    },
  });
}

async function createOtp(gw: TestGateway, id: string, fields: string): Promise<request.Response> {
  return request(gw.app).put(`/api/otp/${id}`).set('Authorization', basic(TENANTS.a)).type('form').send(fields);
}

describe.each(['memory', 'redis'] as const)('rate limits on the %s store', (store) => {
  let peer: HttpPeer;
  beforeAll(async () => {
    peer = await startHttpPeer();
  });
  afterAll(() => peer.close());

  describe('with the defaults', () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await gatewayWith(store, peer);
    });
    afterAll(() => gw.close());

    it('answers 429 with Retry-After and a sentence to rapid wrong guesses on a public page after 60 in a minute', async () => {
      const created = await createOtp(gw, 'guess-000001', 'provider=phone&to=+15550000001&max_attempts=1000');
      expect(created.status).toBe(200);
      const statuses: number[] = [];
      for (let i = 0; i < 60; i++) {
        const res = await request(gw.app).post('/otp/nsA/guess-000001').type('form').send('action=check&otp=000000x');
        statuses.push(res.status);
      }
      expect(statuses.every((s) => s === 400)).toBe(true);
      const refused = await request(gw.app).post('/otp/nsA/guess-000001').type('form').send('action=check&otp=000000x');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(refused.text).toMatch(/Too many requests/);
      // A page load from the same IP is refused too; the status poll and the assets are not counted.
      expect((await request(gw.app).get('/otp/nsA/guess-000001')).status).toBe(429);
      expect((await request(gw.app).get('/otp/nsA/guess-000001/status')).status).toBe(200);
      expect((await request(gw.app).get('/static/otp.js')).status).toBe(200);
      // The refused guesses did not spend attempts: this one is the 61st.
      const api = await request(gw.app).post('/api/otp/guess-000001').set('Authorization', basic(TENANTS.a)).type('form').send('otp=000000x');
      expect(api.status).toBe(400);
      expect(api.body.data.attempts).toBe(61);
    });

    it('sends at most 10 codes to one address per hour across ids, refusing the others with 429 and sending nothing', async () => {
      const before = peer.requests.length;
      const statuses: number[] = [];
      let refusal: request.Response | undefined;
      for (let i = 0; i < 60; i++) {
        const res = await createOtp(gw, `pump-${String(i).padStart(6, '0')}`, 'provider=phone&to=+15550000002');
        statuses.push(res.status);
        if (res.status === 429) refusal ??= res;
      }
      expect(statuses.slice(0, 10)).toEqual(Array(10).fill(200));
      expect(statuses.slice(10)).toEqual(Array(50).fill(429));
      expect(peer.requests.length - before).toBe(10);
      expect(refusal?.body).toMatchObject({ status: 'error', message: expect.stringMatching(/Too many codes were sent to this address/) });
      expect(refusal?.body.data.otp).toBeUndefined();
      expect(Number(refusal?.headers['retry-after'])).toBeGreaterThan(3000);
      // Another address of the same namespace is not affected.
      expect((await createOtp(gw, 'pump-other-1', 'provider=phone&to=+15550000003')).status).toBe(200);
    });

    it('counts the address per namespace, so another namespace can still send to it', async () => {
      for (let i = 0; i < 10; i++) await createOtp(gw, `ns-a-${String(i).padStart(6, '0')}`, 'provider=phone&to=+15550000004');
      expect((await createOtp(gw, 'ns-a-refused', 'provider=phone&to=+15550000004')).status).toBe(429);
      const other = await request(gw.app).put('/api/otp/ns-b-000001').set('Authorization', basic(TENANTS.b)).type('form').send('provider=phone&to=+15550000004');
      expect(other.status).toBe(200);
    });

    it('does not limit API calls per namespace by default', async () => {
      const statuses = await Promise.all(
        Array.from({ length: 80 }, () => request(gw.app).get('/api/providers').set('Authorization', basic(TENANTS.a)).then((r) => r.status)),
      );
      expect(statuses.every((s) => s === 200)).toBe(true);
    });

    if (store === 'redis') {
      it('keys the counters in Redis by an HMAC, never by the address or the client IP', async () => {
        // One page load and one send now, so that both counters exist whatever time the earlier tests took.
        await request(gw.app).get('/otp/nsA/hmac-000001');
        expect((await createOtp(gw, 'hmac-000001', 'provider=phone&to=+15550000009')).status).toBe(200);
        const admin = await connectAdmin();
        try {
          const keys = await keysUnder(admin, `${gw.keyPrefix}:rl`);
          expect(keys.some((k) => k.startsWith(`${gw.keyPrefix}:rl:send:`))).toBe(true);
          expect(keys.some((k) => k.startsWith(`${gw.keyPrefix}:rl:page:`))).toBe(true);
          for (const key of keys) {
            expect(key).not.toMatch(/1555000000|127\.0\.0\.1|::1|ffff/);
            expect(await admin.ttl(key)).toBeGreaterThan(0);
          }
        } finally {
          await admin.close();
        }
      });
    }
  });

  describe('when configured', () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await gatewayWith(store, peer, {
        rate_limit: { pages_per_ip: 3, pages_window: '10m', api_per_namespace: 5, api_window: '1m' },
        app: { trusted_proxies: ['127.0.0.1', '::1', '::ffff:127.0.0.1'] },
      });
    });
    afterAll(() => gw.close());

    it('limits API calls per namespace with a 429 envelope, leaving other namespaces alone', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await request(gw.app).get('/api/providers').set('Authorization', basic(TENANTS.a))).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      const refused = await request(gw.app).get('/api/providers').set('Authorization', basic(TENANTS.a));
      expect(refused.body).toMatchObject({ status: 'error', message: expect.stringMatching(/Too many API calls for namespace nsA/) });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect((await request(gw.app).get('/api/providers').set('Authorization', basic(TENANTS.b))).status).toBe(200);
      // Wrong credentials are refused by auth before they can spend the namespace's budget.
      expect((await request(gw.app).get('/api/providers').auth('nsB', 'wrong')).status).toBe(401);
    });

    it('counts pages per client IP from X-Forwarded-For when the proxy is trusted', async () => {
      const page = (ip: string): Promise<number> => request(gw.app).get('/otp/nsA/xff-000001').set('X-Forwarded-For', ip).then((r) => r.status);
      expect([await page('203.0.113.1'), await page('203.0.113.1'), await page('203.0.113.1')]).toEqual([404, 404, 404]);
      expect(await page('203.0.113.1')).toBe(429);
      expect(await page('203.0.113.2')).toBe(404);
    });
  });

  describe('without trusted proxies', () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await gatewayWith(store, peer, { rate_limit: { pages_per_ip: 2, sends_per_address: 0 } });
    });
    afterAll(() => gw.close());

    it('ignores X-Forwarded-For, so a client cannot pick a fresh bucket per request', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        statuses.push((await request(gw.app).get('/otp/nsA/xff-000002').set('X-Forwarded-For', `198.51.100.${i}`)).status);
      }
      expect(statuses).toEqual([404, 404, 429]);
    });

    it('turns a limit off with 0: any number of sends to one address', async () => {
      for (let i = 0; i < 12; i++) {
        const res = await request(gw.app).put(`/api/otp/off-${String(i).padStart(6, '0')}`).set('Authorization', basic(TENANTS.b)).type('form').send('provider=phone&to=+15550000005');
        expect(res.status).toBe(200);
      }
    });
  });
});
