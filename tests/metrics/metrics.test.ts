import request from 'supertest';
import { basic, buildTestGateway, TENANTS, type TestGateway } from '../helpers/gateway';
import { startRedis, type RedisServer } from '../helpers/redis-server';

/** The value of one sample line, e.g. `otpgateway_otps_created_total{namespace="nsA",provider="log"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics with [metrics] enabled on the API port', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await buildTestGateway({ store: 'redis', config: { metrics: { enabled: true, username: 'prom', password: 'scrape-secret' } } });
  });
  afterAll(() => gw.close());

  it('counts created, sent, verified, wrong codes and locked OTPs by namespace and provider', async () => {
    const auth = basic(TENANTS.a);
    await request(gw.app).put('/api/otp/metrics-1').set('Authorization', auth).type('form').send('provider=log&max_attempts=2').expect(200);
    const sent = await request(gw.app).put('/api/otp/metrics-2').set('Authorization', auth).type('form').send('provider=log&to=a@example.com').expect(200);
    await request(gw.app).post('/api/otp/metrics-1').set('Authorization', auth).type('form').send('otp=wrong1').expect(400);
    await request(gw.app).post('/api/otp/metrics-1').set('Authorization', auth).type('form').send('otp=wrong2').expect(400);
    await request(gw.app).post('/api/otp/metrics-1').set('Authorization', auth).type('form').send('otp=wrong3').expect(429);
    await request(gw.app).post('/api/otp/metrics-2').set('Authorization', auth).send({ otp: sent.body.data.otp as string }).expect(200);

    const res = await request(gw.app).get('/metrics').set('Authorization', basic({ namespace: 'prom', secret: 'scrape-secret' }));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const labels = '{namespace="nsA",provider="log"}';
    const byCountry = '{namespace="nsA",provider="log",country="none"}';
    expect(sample(res.text, `otpgateway_otps_created_total${labels}`)).toBe(2);
    expect(sample(res.text, `otpgateway_otps_sent_total${byCountry}`)).toBe(1);
    expect(sample(res.text, `otpgateway_wrong_codes_total${labels}`)).toBe(2);
    expect(sample(res.text, `otpgateway_locked_total${labels}`)).toBe(1);
    expect(sample(res.text, `otpgateway_otps_verified_total${byCountry}`)).toBe(1);
    expect(sample(res.text, 'otpgateway_delivery_duration_seconds_count{provider="log",outcome="sent"}')).toBe(1);
    expect(sample(res.text, 'otpgateway_http_request_duration_seconds_count{route="verify",status="4xx"}')).toBe(3);
    expect(sample(res.text, 'otpgateway_http_request_duration_seconds_count{route="create",status="2xx"}')).toBe(2);
  });

  it('asks for the Basic credentials of [metrics] and refuses wrong ones', async () => {
    const none = await request(gw.app).get('/metrics');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Basic /);
    expect(none.text).not.toContain('otpgateway_');
    const wrong = await request(gw.app).get('/metrics').set('Authorization', basic({ namespace: 'prom', secret: 'nope' }));
    expect(wrong.status).toBe(401);
  });

  it('counts a refused send under otpgateway_rate_limited_total by namespace and limit', async () => {
    const limited = await buildTestGateway({
      store: 'memory',
      config: { metrics: { enabled: true }, rate_limit: { sends_per_address: 1 } },
    });
    try {
      const auth = basic(TENANTS.a);
      await request(limited.app).put('/api/otp/limited-1').set('Authorization', auth).type('form').send('provider=log&to=same@example.com').expect(200);
      await request(limited.app).put('/api/otp/limited-2').set('Authorization', auth).type('form').send('provider=log&to=same@example.com').expect(429);
      const res = await request(limited.app).get('/metrics');
      expect(sample(res.text, 'otpgateway_rate_limited_total{namespace="nsA",limit="send"}')).toBe(1);
    } finally {
      await limited.close();
    }
  });
});

describe('/metrics with [metrics] off (the default)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await buildTestGateway({ store: 'memory' });
  });
  afterAll(() => gw.close());

  it('is not served', async () => {
    const res = await request(gw.app).get('/metrics');
    expect(res.status).toBe(404);
    expect(res.text).not.toContain('otpgateway_');
  });
});

describe('the store error counter', () => {
  let redis: RedisServer;
  let gw: TestGateway;
  beforeAll(async () => {
    redis = await startRedis();
    gw = await buildTestGateway({ store: 'redis', config: { metrics: { enabled: true }, store: { redis: { port: redis.port, timeout: '500ms' } } } });
  });
  afterAll(async () => {
    await gw.close();
    await redis.stop();
  });

  it('counts the commands that failed while Redis was down', async () => {
    await redis.stop();
    const res = await request(gw.app).put('/api/otp/metrics-down').set('Authorization', basic(TENANTS.a)).type('form').send('provider=log');
    expect(res.status).toBe(503);
    const metrics = await request(gw.app).get('/metrics');
    expect(sample(metrics.text, 'otpgateway_store_errors_total')).toBeGreaterThanOrEqual(1);
  });
});

describe('request ids', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await buildTestGateway({ store: 'memory' });
  });
  afterAll(() => gw.close());

  it('puts the X-Request-Id of a request on its log lines and answers with it', async () => {
    const res = await request(gw.app).post('/api/otp/no-such-otp').set('Authorization', basic(TENANTS.a)).set('X-Request-Id', 'trace-42').type('form').send('otp=123456');
    expect(res.status).toBe(400);
    expect(res.headers['x-request-id']).toBe('trace-42');
    const lines = gw.logs.map((l) => JSON.parse(l) as { reqId?: string; msg?: string });
    expect(lines.find((l) => l.msg === 'The OTP does not exist or has expired.')?.reqId).toBe('trace-42');
  });

  it('generates an id when none or a malformed one is given', async () => {
    const res = await request(gw.app).get('/api/health').set('X-Request-Id', 'bad id with spaces');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
