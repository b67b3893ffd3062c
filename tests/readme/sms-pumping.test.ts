import { parse } from 'smol-toml';
import request from 'supertest';
import { validate } from '../../src/config/load';
import { basic, buildTestGateway, TENANTS } from '../helpers/gateway';
import { startHttpPeer } from '../helpers/http-peer';
import { example } from './readme-blocks';

describe('the README section "SMS pumping"', () => {
  it('recommends a configuration that loads, with the limits it describes', () => {
    const raw = { ...parse(example('sms-pumping.toml')), auth: { myApp: { secret: 'a-secret-of-16-or-more-characters' } } };
    const { config } = validate(raw);
    expect(config.app.sms_countries).toEqual(['IN', 'US']);
    expect(config.rate_limit).toMatchObject({ sends_window: 3_600_000, sends_per_address: 10, sends_per_range: 10, range_digits: 3, sends_per_country: 3000, sends_per_namespace: 5000 });
  });

  it('queries metrics with the names and labels the gateway exports', async () => {
    const promql = example('sms-pumping.promql');
    const queried = [...promql.matchAll(/(otpgateway_\w+)\{country!="none"\}/g)].map((m) => m[1]);
    expect(new Set(queried)).toEqual(new Set(['otpgateway_otps_sent_total', 'otpgateway_otps_verified_total']));
    expect(promql).toContain('sum by (namespace, country)');
    const peer = await startHttpPeer();
    const gw = await buildTestGateway({
      store: 'memory',
      config: { metrics: { enabled: true }, webhooks: { sms_hook: { enabled: true, url: peer.url, address: 'phone' } } },
    });
    try {
      const created = await request(gw.app).put('/api/otp/readme-pump').set('Authorization', basic(TENANTS.a)).type('form').send('provider=sms_hook&to=%2B919876543210').expect(200);
      await request(gw.app).post('/api/otp/readme-pump').set('Authorization', basic(TENANTS.a)).type('form').send(`otp=${created.body.data.otp as string}`).expect(200);
      const text = (await request(gw.app).get('/metrics')).text;
      for (const name of queried) expect(text).toMatch(new RegExp(`^${name}\\{namespace="nsA",[^}]*country="IN"\\} 1$`, 'm'));
    } finally {
      await gw.close();
      await peer.close();
    }
  });
});
