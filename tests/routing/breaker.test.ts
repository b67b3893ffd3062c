import request from 'supertest';
import { Breaker } from '../../src/routing/breaker';
import type { HttpPeer } from '../helpers/http-peer';
import type { TestGateway } from '../helpers/gateway';
import { create, logLines, routeGateway, startPeers, webhookTable } from './route-harness';

const TO = '+919876543210';

/** The value of one sample line of the Prometheus text. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('a route circuit breaker', () => {
  let peers: HttpPeer[];
  let gw: TestGateway;
  const scrape = async (): Promise<string> => (await request(gw.app).get('/metrics')).text;
  beforeAll(async () => {
    peers = await startPeers(2);
    gw = await routeGateway(
      { first: webhookTable(`${peers[0]?.url}/a`), second: webhookTable(`${peers[1]?.url}/b`) },
      { sms: { providers: ['first', 'second'], breaker: { failures: 3, cooldown: '3s' } } },
      { metrics: { enabled: true } },
    );
  });
  afterAll(async () => {
    await gw.close();
    await Promise.all(peers.map((p) => p.close()));
  });

  it('opens after N failures in a row, skips the provider while open, and closes after a successful trial', async () => {
    peers[0]?.reply({ status: 500, body: 'down' });
    for (let i = 0; i < 3; i++) expect((await create(gw, `breaker-fail-${i}`, { provider: 'sms', to: TO })).body.data?.delivered_via).toBe('second');
    expect(peers[0]?.requests).toHaveLength(3);
    expect(sample(await scrape(), 'otpgateway_breaker_state{route="sms",provider="first"}')).toBe(1);

    // Open: not called at all, counted as a skip (the cooldown is long enough for these four under a loaded CI machine).
    for (let i = 0; i < 4; i++) expect((await create(gw, `breaker-open-${i}`, { provider: 'sms', to: TO })).body.data?.delivered_via).toBe('second');
    expect(peers[0]?.requests).toHaveLength(3);
    expect(logLines(gw, 'route try skipped')).toHaveLength(4);
    expect(logLines(gw, 'route try skipped')[0]).toMatchObject({ route: 'sms', provider: 'first', result: 'skipped', reason: 'circuit breaker open' });

    // After the cooldown one trial goes through; it succeeds, and the breaker is closed again.
    peers[0]?.reply({ status: 200, body: { ok: true } });
    await new Promise((resolve) => setTimeout(resolve, 3100));
    expect(sample(await scrape(), 'otpgateway_breaker_state{route="sms",provider="first"}')).toBe(2);
    expect((await create(gw, 'breaker-trial', { provider: 'sms', to: TO })).body.data?.delivered_via).toBe('first');
    expect(peers[0]?.requests).toHaveLength(4);
    expect(sample(await scrape(), 'otpgateway_breaker_state{route="sms",provider="first"}')).toBe(0);
    expect((await create(gw, 'breaker-closed', { provider: 'sms', to: TO })).body.data?.delivered_via).toBe('first');
    expect(peers[0]?.requests).toHaveLength(5);

    const text = await scrape();
    expect(sample(text, 'otpgateway_deliveries_total{provider="first",result="failed"}')).toBe(3);
    expect(sample(text, 'otpgateway_deliveries_total{provider="first",result="ok"}')).toBe(2);
    expect(sample(text, 'otpgateway_deliveries_total{provider="first",result="skipped"}')).toBe(4);
    expect(sample(text, 'otpgateway_deliveries_total{provider="second",result="ok"}')).toBe(7);
    expect(sample(text, 'otpgateway_failovers_total{route="sms"}')).toBe(3);
    expect(sample(text, 'otpgateway_delivery_duration_seconds_count{provider="first",outcome="failed"}')).toBe(3);
    expect(sample(text, 'otpgateway_otps_sent_total{namespace="nsA",provider="sms",country="none"}')).toBe(9);
  });
});

describe('Breaker', () => {
  it('re-opens for another cooldown when its trial fails, and lets only one trial through at a time', () => {
    let now = 0;
    const breaker = new Breaker({ failures: 2, cooldownMs: 1000 }, () => now);
    breaker.failed();
    expect(breaker.tryAcquire()).toBe(true);
    breaker.failed();
    expect(breaker.state()).toBe(1);
    expect(breaker.tryAcquire()).toBe(false);
    now = 1000;
    expect(breaker.state()).toBe(2);
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.failed();
    expect(breaker.state()).toBe(1);
    now = 1999;
    expect(breaker.tryAcquire()).toBe(false);
    now = 2000;
    expect(breaker.tryAcquire()).toBe(true);
    breaker.succeeded();
    expect(breaker.state()).toBe(0);
    // A success in between resets the count of failures in a row.
    breaker.failed();
    breaker.succeeded();
    breaker.failed();
    expect(breaker.state()).toBe(0);
  });

  it('routes every delivery to the first provider anyway when all breakers are open', async () => {
    const peers = await startPeers(2, { status: 500, body: 'down' });
    const gw = await routeGateway(
      { first: webhookTable(`${peers[0]?.url}/a`), second: webhookTable(`${peers[1]?.url}/b`) },
      { sms: { providers: ['first', 'second'], breaker: { failures: 1, cooldown: '1m' } } },
    );
    try {
      expect((await create(gw, 'all-open-1', { provider: 'sms', to: TO })).status).toBe(502);
      expect(peers.map((p) => p.requests.length)).toEqual([1, 1]);
      peers[0]?.reply({ status: 200, body: {} });
      const res = await create(gw, 'all-open-2', { provider: 'sms', to: TO });
      expect(res.status).toBe(200);
      expect(res.body.data?.delivered_via).toBe('first');
      expect(peers.map((p) => p.requests.length)).toEqual([2, 1]);
    } finally {
      await gw.close();
      await Promise.all(peers.map((p) => p.close()));
    }
  });
});
