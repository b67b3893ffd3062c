import request from 'supertest';
import { basic, buildTestGateway, TENANTS, type TestGateway } from '../helpers/gateway';
import { startHttpPeer, type HttpPeer } from '../helpers/http-peer';

jest.setTimeout(180_000);

/**
 * The attack replay of issue 19: 1,000 creates to sequential numbers of one
 * premium-rate range (UK 0909 879 0000-0999, valid premium-rate numbers of an
 * allowed country), with the default `[rate_limit]` and no `sms_countries`,
 * through a Kaleyra stand-in. Prints how many messages reached it.
 */
describe('an SMS pumping replay with the default configuration', () => {
  let peer: HttpPeer;
  let gw: TestGateway;
  beforeAll(async () => {
    peer = await startHttpPeer({ status: 202, body: { id: 'm', status: 'OK' } });
    gw = await buildTestGateway({
      store: 'redis',
      config: {
        providers: {
          kaleyra_sms: { enabled: true, sid: 'HXAP16XXXX', api_key: 'Ac4XXXX21f', sender: 'ACMEIN', endpoint: peer.url, sms_entity_id: '1101XXXX', sms_template_id: '1107XXXX' },
        },
      },
    });
  });
  afterAll(async () => {
    await gw.close();
    await peer.close();
  });

  /** 1,000 creates to +44 909 879 0000-0999; the answers by status. */
  async function replay(target: TestGateway): Promise<Map<number, number>> {
    const statuses = new Map<number, number>();
    for (let i = 0; i < 1000; i++) {
      const res = await request(target.app)
        .put(`/api/otp/pump-${i}`)
        .set('Authorization', basic(TENANTS.a))
        .type('form')
        .send(`provider=kaleyra_sms&to=%2B44909879${String(i).padStart(4, '0')}`);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
    return statuses;
  }

  it('lets only sends_per_range (10) of 1,000 sequential premium-rate numbers reach the provider', async () => {
    const statuses = await replay(gw);
    process.stdout.write(`SMS pumping replay: 1000 creates, ${peer.requests.length} reached the provider stand-in; answers ${JSON.stringify(Object.fromEntries(statuses))}\n`);
    expect(statuses.get(400)).toBeUndefined();
    expect(peer.requests).toHaveLength(10);
    expect(statuses.get(429)).toBe(990);
  });

  it('lets none through with the README\'s two-country configuration (IN, US)', async () => {
    const recommended = await buildTestGateway({
      store: 'redis',
      config: {
        app: { sms_countries: ['IN', 'US'] },
        providers: { kaleyra_sms: { enabled: true, sid: 'HXAP16XXXX', api_key: 'Ac4XXXX21f', sender: 'ACMEIN', endpoint: peer.url, sms_entity_id: '1101XXXX', sms_template_id: '1107XXXX' } },
      },
    });
    const before = peer.requests.length;
    try {
      const statuses = await replay(recommended);
      process.stdout.write(`SMS pumping replay, sms_countries = ["IN", "US"]: 1000 creates, ${peer.requests.length - before} reached the provider stand-in; answers ${JSON.stringify(Object.fromEntries(statuses))}\n`);
      expect(statuses.get(400)).toBe(1000);
      expect(peer.requests.length - before).toBe(0);
    } finally {
      await recommended.close();
    }
  });
});
