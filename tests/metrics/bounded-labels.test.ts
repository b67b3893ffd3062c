import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { basic, buildTestGateway, TENANTS, type TestGateway } from '../helpers/gateway';

jest.setTimeout(90_000);

/** 4000 random characters, as the review's attack used. */
function junk(): string {
  return randomBytes(2000).toString('hex');
}

/** The series of a /metrics text: every sample line without its value. */
async function seriesOf(gw: TestGateway): Promise<{ series: string[]; bytes: number }> {
  const text = (await request(gw.app).get('/metrics')).text;
  const series = text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.slice(0, l.lastIndexOf(' ')));
  return { series, bytes: text.length };
}

/** Log lines longer than any line the gateway writes for a request: they carry request text. */
function longLogLines(gw: TestGateway): string[] {
  return gw.logs.flatMap((chunk) => chunk.split('\n')).filter((line) => line.length > 1024);
}

describe('metric labels and log lines under request text chosen by an attacker', () => {
  let gw: TestGateway;
  afterEach(() => gw.close());

  it('keeps /metrics and the log bounded when refused page loads carry 4000 random characters as the namespace', async () => {
    gw = await buildTestGateway({ store: 'memory', config: { metrics: { enabled: true } } });
    // The review's reproduction: spend this IP's page budget (60 a minute), then ask for pages under ever new namespaces.
    for (let i = 0; i < 61; i++) await request(gw.app).get('/otp/nsA/abcdef');
    const page = (i: number): request.Test => request(gw.app).get(`/otp/${junk()}${i}/abcdef`);
    for (let i = 1; i <= 10; i++) expect((await page(i)).status).toBe(429);
    const early = await seriesOf(gw);
    for (let i = 11; i <= 300; i++) await page(i);
    const late = await seriesOf(gw);

    expect(late.series).toEqual(early.series);
    expect(late.series.filter((s) => s.startsWith('otpgateway_rate_limited_total'))).toEqual(['otpgateway_rate_limited_total{namespace="_unknown",limit="page"}']);
    // Only counter digits may have grown.
    expect(late.bytes - early.bytes).toBeLessThan(64);
    expect(longLogLines(gw)).toEqual([]);
  });

  it('records every label from a bounded set whatever the path, credentials, headers, fields and limits of a request', async () => {
    const limits = { pages_per_ip: 3, api_per_namespace: 4, sends_per_address: 1 };
    gw = await buildTestGateway({ store: 'memory', config: { metrics: { enabled: true }, rate_limit: limits } });
    const round = async (): Promise<void> => {
      // 1500 characters each: the headers together stay under Node's 16 KiB limit, so the gateway sees them.
      const text = (): string => junk().slice(0, 1500);
      const headers = { 'User-Agent': text(), Referer: `https://${text()}.example/`, 'X-Request-Id': text(), 'X-Forwarded-For': text(), Origin: text() };
      await request(gw.app).get('/api/providers').set(headers).set('Authorization', basic({ namespace: text(), secret: text() }));
      await request(gw.app).get(`/api/${junk()}`).set(headers).set('Authorization', basic(TENANTS.a));
      await request(gw.app).put(`/api/otp/${junk()}`).set(headers).set('Authorization', basic(TENANTS.a)).type('form').send('provider=log');
      await request(gw.app).put('/api/otp').set(headers).set('Authorization', basic(TENANTS.a)).type('form').send({ provider: junk().slice(0, 128) });
      await request(gw.app).put('/api/otp').set(headers).set('Authorization', basic(TENANTS.b)).type('form').send({ provider: 'log', to: 'same@example.com' });
      await request(gw.app).put('/api/otp').set(headers).set('Authorization', basic(TENANTS.b)).type('form').send({ provider: 'log', to: `${junk().slice(0, 200)}@example.com` });
      await request(gw.app).post(`/otp/nsA/${junk()}?origin=${junk()}&view=popup`).set(headers).type('form').send({ action: junk(), otp: junk() });
      await request(gw.app).get(`/otp/${junk()}/${junk()}/status`).set(headers);
      await request(gw.app).get(`/static/${junk()}.js`).set(headers);
      await request(gw.app).get(`/${junk()}`).set(headers);
    };
    // Enough rounds for every limit to refuse (each label set then exists), then many more.
    for (let i = 0; i < 5; i++) await round();
    const early = await seriesOf(gw);
    for (let i = 0; i < 30; i++) await round();
    const late = await seriesOf(gw);

    expect(late.series).toEqual(early.series);
    // Every limit did refuse something: its series is there, under a configured namespace or _unknown.
    expect(late.series.filter((s) => s.startsWith('otpgateway_rate_limited_total')).sort()).toEqual([
      'otpgateway_rate_limited_total{namespace="_unknown",limit="page"}',
      'otpgateway_rate_limited_total{namespace="nsA",limit="api"}',
      'otpgateway_rate_limited_total{namespace="nsB",limit="api"}',
      'otpgateway_rate_limited_total{namespace="nsB",limit="send"}',
    ]);
    expect(longLogLines(gw)).toEqual([]);
  });
});
