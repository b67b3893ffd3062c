import request from 'supertest';
import { countryLabels } from '../../src/metrics/country-label';
import { basic, buildTestGateway, TENANTS, type TestGateway } from '../helpers/gateway';
import { startHttpPeer, type HttpPeer } from '../helpers/http-peer';

/** Every `country` label value of two series in a /metrics text, with the sample's value. */
function byCountry(text: string, metric: string): Record<string, number> {
  const found: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = new RegExp(`^${metric}\\{namespace="nsA",provider="[^"]+",country="([^"]*)"\\} (\\d+)$`).exec(line);
    if (m?.[1] !== undefined) found[m[1]] = (found[m[1]] ?? 0) + Number(m[2]);
  }
  return found;
}

describe('conversion by country: otpgateway_otps_sent_total and otpgateway_otps_verified_total', () => {
  let peer: HttpPeer;
  let gw: TestGateway;
  beforeAll(async () => {
    peer = await startHttpPeer();
    gw = await buildTestGateway({
      store: 'memory',
      config: {
        metrics: { enabled: true },
        webhooks: { sms_hook: { enabled: true, url: peer.url, address: 'phone', default_phone_code: '+91' }, text_hook: { enabled: true, url: peer.url } },
      },
    });
  });
  afterAll(async () => {
    await gw.close();
    await peer.close();
  });

  const create = (id: string, fields: string): request.Test =>
    request(gw.app).put(`/api/otp/${id}`).set('Authorization', basic(TENANTS.a)).type('form').send(fields);
  const verify = (id: string, otp: string): request.Test => request(gw.app).post(`/api/otp/${id}`).set('Authorization', basic(TENANTS.a)).type('form').send(`otp=${otp}`);
  const metrics = async (): Promise<string> => (await request(gw.app).get('/metrics')).text;

  it('move with sends and verifications, by the country libphonenumber reads from the stored number', async () => {
    const inOne = await create('conv-in-1', 'provider=sms_hook&to=98765%2043210').expect(200);
    await create('conv-in-2', 'provider=sms_hook&to=%2B919876500001').expect(200);
    const gb = await create('conv-gb-1', 'provider=sms_hook&to=%2B447400123456').expect(200);
    await create('conv-mail', 'provider=log&to=someone@example.com').expect(200);
    let text = await metrics();
    expect(byCountry(text, 'otpgateway_otps_sent_total')).toEqual({ IN: 2, GB: 1, none: 1 });
    expect(byCountry(text, 'otpgateway_otps_verified_total')).toEqual({});

    await verify('conv-in-1', inOne.body.data.otp as string).expect(200);
    await verify('conv-gb-1', 'wrong-code').expect(400);
    await verify('conv-gb-1', gb.body.data.otp as string).expect(200);
    text = await metrics();
    expect(byCountry(text, 'otpgateway_otps_verified_total')).toEqual({ IN: 1, GB: 1 });
    // Resend counts a send of its own.
    await request(gw.app).post('/otp/nsA/conv-in-2').type('form').send('action=resend').expect(200);
    expect(byCountry(await metrics(), 'otpgateway_otps_sent_total')).toEqual({ IN: 3, GB: 1, none: 1 });
  });

  it('never take a label value from the request: text channels are `none` whatever the address, numbers of no country `_unknown`', async () => {
    // A country-looking extra field and a phone-looking address on a text webhook change nothing.
    await create('conv-text-1', 'provider=text_hook&to=07400123456&extra=%7B%22country%22%3A%22ZZ%22%7D').expect(200);
    await create('conv-800-1', 'provider=sms_hook&to=%2B80012345678').expect(200);
    const text = await metrics();
    const sent = byCountry(text, 'otpgateway_otps_sent_total');
    expect(sent).toEqual({ IN: 3, GB: 1, none: 2, _unknown: 1 });
    const allowed = new Set([...countryLabels(), '_unknown']);
    const countries = [...text.matchAll(/country="([^"]*)"/g)].map((m) => m[1] ?? '');
    expect(countries.length).toBeGreaterThan(0);
    for (const c of countries) expect(allowed.has(c)).toBe(true);
  });
});
