import request from 'supertest';
import { basic, buildTestGateway, TENANTS, type RawConfig, type TestGateway } from '../helpers/gateway';
import { startHttpPeer, type HttpPeer } from '../helpers/http-peer';
import { connectAdmin, keysUnder } from '../store/redis-admin';

/**
 * The SMS pumping defence (README "SMS pumping"): country allow-lists, the
 * number-range limit and the send budgets, end to end through the API with
 * local stand-ins for the SMS upstreams, counting what reaches them.
 */

const ACCEPTED = { status: 202, body: { id: 'kaleyra-msg-1', status: 'OK' } };

function kaleyra(endpoint: string): Record<string, unknown> {
  return { enabled: true, sid: 'HXAP16XXXX', api_key: 'Ac4XXXX21f', sender: 'ACMEIN', default_phone_code: '+91', endpoint, sms_entity_id: '1101XXXX', sms_template_id: '1107XXXX' };
}

/** A webhook delivering to phone numbers (`address = "phone"`), e.g. a voice-call service. */
function phoneHook(url: string): Record<string, unknown> {
  return { sms_hook: { enabled: true, url, address: 'phone', default_phone_code: '+91' } };
}

type Tenant = { namespace: string; secret: string };

async function create(gw: TestGateway, id: string, fields: Record<string, string>, tenant: Tenant = TENANTS.a): Promise<request.Response> {
  return request(gw.app).put(`/api/otp/${id}`).set('Authorization', basic(tenant)).type('form').send(new URLSearchParams(fields).toString());
}

describe('the country allow-list', () => {
  let peer: HttpPeer;
  let gw: TestGateway;
  beforeAll(async () => {
    peer = await startHttpPeer(ACCEPTED);
    gw = await buildTestGateway({
      store: 'memory',
      config: { app: { sms_countries: ['IN'] }, providers: { kaleyra_sms: kaleyra(peer.url) }, rate_limit: { sends_per_namespace: 1 } },
    });
  });
  afterAll(async () => {
    await gw.close();
    await peer.close();
  });

  it('refuses a number of another country with 400 country_not_allowed naming it, before any provider is called or any budget spent', async () => {
    const res = await create(gw, 'country-gb-1', { provider: 'kaleyra_sms', to: '+44 7400 123456' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 'error', code: 'country_not_allowed', data: { field: 'to', country: 'GB' } });
    expect(res.body.message).toContain('United Kingdom (GB)');
    expect(res.body.message).toContain('IN');
    expect(peer.requests).toHaveLength(0);
    // Nothing stored: the id does not exist.
    expect(await gw.service.find({ namespace: 'nsA', id: 'country-gb-1' })).toBeNull();
    // No budget spent: the namespace's only send (sends_per_namespace = 1) still goes out, as the id's first generate.
    const allowed = await create(gw, 'country-gb-1', { provider: 'kaleyra_sms', to: '98765 43210' });
    expect(allowed.status).toBe(200);
    expect(allowed.body.data).toMatchObject({ to: '+919876543210', generate: 1, attempts: 0 });
    await peer.waitForRequests(1);
    expect(peer.requests).toHaveLength(1);
  });

  it('refuses a number of no country (an international service number) when a list is set', async () => {
    const res = await create(gw, 'country-800', { provider: 'kaleyra_sms', to: '+800 1234 5678' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'country_not_allowed', data: { country: '' } });
    expect(res.body.message).toContain('no country');
  });

  it('does not apply to non-phone channels, which the namespace budget still counts', async () => {
    // A phone-looking address on a text channel (the log provider): no country rule, but the namespace
    // budget (1, spent by the first test) counts every send: 429, not 400.
    const res = await create(gw, 'country-log', { provider: 'log', to: '+44 7400 123456' });
    expect(res.status).toBe(429);
    expect(res.body).toMatchObject({ code: 'rate_limited' });
    expect(res.body.message).toContain('sends_per_namespace');
  });
});

describe('a route of phone providers', () => {
  let first: HttpPeer;
  let second: HttpPeer;
  let gw: TestGateway;
  beforeAll(async () => {
    first = await startHttpPeer(ACCEPTED);
    second = await startHttpPeer({ status: 200, body: { ok: true } });
    gw = await buildTestGateway({
      store: 'memory',
      config: {
        app: { sms_countries: ['IN'] },
        providers: { kaleyra_sms: kaleyra(first.url) },
        webhooks: phoneHook(second.url),
        routes: { sms: { providers: ['kaleyra_sms', 'sms_hook'] } },
        metrics: { enabled: true },
      },
    });
  });
  afterAll(async () => {
    await gw.close();
    await first.close();
    await second.close();
  });

  it('is held to the allow-list like its members: a refused country reaches no member, an allowed one is counted by country', async () => {
    const refused = await create(gw, 'route-gb', { provider: 'sms', to: '+44 7400 123456' });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'country_not_allowed', data: { country: 'GB' } });
    expect(first.requests).toHaveLength(0);
    expect(second.requests).toHaveLength(0);

    const allowed = await create(gw, 'route-in', { provider: 'sms', to: '98765 43210' });
    expect(allowed.status).toBe(200);
    expect(allowed.body.data).toMatchObject({ to: '+919876543210', delivered_via: 'kaleyra_sms' });
    const text = (await request(gw.app).get('/metrics')).text;
    expect(text).toContain('otpgateway_otps_sent_total{namespace="nsA",provider="sms",country="IN"} 1');
  });
});

describe('a namespace list overrides the app list, both ways', () => {
  let peer: HttpPeer;
  let gw: TestGateway;
  beforeAll(async () => {
    peer = await startHttpPeer();
    gw = await buildTestGateway({
      store: 'memory',
      config: {
        app: { sms_countries: ['IN'] },
        // A widens (IN and GB), B narrows to the US only; C has no list of its own: the app's.
        auth: { A: { ...TENANTS.a, sms_countries: ['in', 'GB'] }, B: { ...TENANTS.b, sms_countries: ['US'] }, C: { namespace: 'nsC', secret: 'secret-of-tenant-C' } },
        webhooks: phoneHook(peer.url),
      },
    });
  });
  afterAll(async () => {
    await gw.close();
    await peer.close();
  });

  it('widens: namespace A sends to GB, which the app list does not have', async () => {
    expect((await create(gw, 'wide-gb-1', { provider: 'sms_hook', to: '+447400123456' })).status).toBe(200);
    expect((await create(gw, 'wide-in-1', { provider: 'sms_hook', to: '+919876543210' })).status).toBe(200);
    expect((await create(gw, 'wide-us-1', { provider: 'sms_hook', to: '+12025550143' })).body.code).toBe('country_not_allowed');
  });

  it('narrows: namespace B refuses IN, which the app list allows, and sends to the US', async () => {
    const refused = await create(gw, 'narrow-in-1', { provider: 'sms_hook', to: '+919876543210' }, TENANTS.b);
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('country_not_allowed');
    expect(refused.body.message).toContain('India (IN)');
    expect((await create(gw, 'narrow-us-1', { provider: 'sms_hook', to: '+1 202 555 0143' }, TENANTS.b)).status).toBe(200);
  });

  it('a namespace without a list follows the app list', async () => {
    const c = { namespace: 'nsC', secret: 'secret-of-tenant-C' };
    expect((await create(gw, 'app-in-1', { provider: 'sms_hook', to: '+919876543210' }, c)).status).toBe(200);
    expect((await create(gw, 'app-gb-1', { provider: 'sms_hook', to: '+447400123456' }, c)).body.code).toBe('country_not_allowed');
    expect(peer.requests).toHaveLength(4);
  });
});

describe('webhooks with address = "phone"', () => {
  let peer: HttpPeer;
  let gw: TestGateway;
  beforeAll(async () => {
    peer = await startHttpPeer();
    gw = await buildTestGateway({ store: 'memory', config: { webhooks: { ...phoneHook(peer.url), text_hook: { enabled: true, url: peer.url } } } });
  });
  afterAll(async () => {
    await gw.close();
    await peer.close();
  });

  it('validate and canonicalise phone numbers to E.164, while text webhooks keep any string', async () => {
    const ok = await create(gw, 'hook-phone-1', { provider: 'sms_hook', to: '98765 43210' });
    expect(ok.status).toBe(200);
    expect(ok.body.data.to).toBe('+919876543210');
    const [req] = await peer.waitForRequests(1);
    expect((JSON.parse(req?.text ?? '{}') as { otp: { to: string } }).otp.to).toBe('+919876543210');
    const bad = await create(gw, 'hook-phone-2', { provider: 'sms_hook', to: 'call me maybe' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'invalid_field', data: { field: 'to' } });
    expect((await create(gw, 'hook-text-1', { provider: 'text_hook', to: 'call me now' })).status).toBe(200);
  });
});

describe('the number-range limit', () => {
  let peer: HttpPeer;
  let gw: TestGateway;
  beforeAll(async () => {
    peer = await startHttpPeer(ACCEPTED);
    gw = await buildTestGateway({ store: 'memory', config: { providers: { kaleyra_sms: kaleyra(peer.url) }, rate_limit: { sends_per_range: 20, range_digits: 3 } } });
  });
  afterAll(async () => {
    await gw.close();
    await peer.close();
  });

  it('lets 20 of 25 sequential numbers of one range through, refuses the rest with 429 and Retry-After, and still sends to another range', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) {
      const res = await create(gw, `range-${i}`, { provider: 'kaleyra_sms', to: `+9198765431${String(i).padStart(2, '0')}` });
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.body).toMatchObject({ code: 'rate_limited', data: { retry_after_seconds: expect.any(Number) } });
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
        expect(res.body.message).toContain('last 3 digits');
      }
    }
    expect(statuses).toEqual([...Array<number>(20).fill(200), ...Array<number>(5).fill(429)]);
    // Refused before storing: the ids do not exist.
    expect(await gw.service.find({ namespace: 'nsA', id: 'range-24' })).toBeNull();
    expect((await create(gw, 'range-other', { provider: 'kaleyra_sms', to: '+919876544000' })).status).toBe(200);
    // The other namespace has a budget of its own for the same range.
    expect((await create(gw, 'range-b', { provider: 'kaleyra_sms', to: '+919876543199' }, TENANTS.b)).status).toBe(200);
    await peer.waitForRequests(22);
    expect(peer.requests).toHaveLength(22);
  });
});

describe('the budgets, across two gateway instances on one Redis', () => {
  let peer: HttpPeer;
  let one: TestGateway;
  let two: TestGateway;
  const prefix = `sp-${process.pid}-${Date.now()}`;
  const shared = (): RawConfig => ({
    app: { secret_key: 'a-shared-secret-key-of-32-characters-or-more' },
    store: { redis: { key_prefix: prefix } },
    webhooks: phoneHook(peer.url),
    rate_limit: { sends_per_namespace: 6, sends_per_country: 4, sends_per_range: 100 },
  });
  beforeAll(async () => {
    peer = await startHttpPeer();
    const config = shared();
    one = await buildTestGateway({ store: 'redis', config });
    two = await buildTestGateway({ store: 'redis', config });
  });
  afterAll(async () => {
    await Promise.all([one.close(), two.close()]);
    await peer.close();
  });

  it('hold when concurrent sends are spread over both instances: exactly the budget goes out', async () => {
    // Country budget 4: twelve concurrent sends to GB numbers, half through each instance.
    const gb = await Promise.all(Array.from({ length: 12 }, (_, i) => create(i % 2 ? one : two, `budget-gb-${i}`, { provider: 'sms_hook', to: `+4474001234${String(i).padStart(2, '0')}` })));
    expect(gb.filter((r) => r.status === 200)).toHaveLength(4);
    const refused = gb.filter((r) => r.status === 429);
    expect(refused).toHaveLength(8);
    for (const r of refused) expect(r.body.message).toContain('sends_per_country');
    // Namespace budget 6: two more go out to another country, then e-mail too is refused.
    const inSends = await Promise.all(Array.from({ length: 6 }, (_, i) => create(i % 2 ? one : two, `budget-in-${i}`, { provider: 'sms_hook', to: `+9198765432${String(i).padStart(2, '0')}` })));
    expect(inSends.filter((r) => r.status === 200)).toHaveLength(2);
    const mail = await create(one, 'budget-mail', { provider: 'log', to: 'someone@example.com' });
    expect(mail.status).toBe(429);
    expect(mail.body.message).toContain('sends_per_namespace');
    await peer.waitForRequests(6);
    expect(peer.requests).toHaveLength(6);
    // The other tenant's budgets are untouched.
    expect((await create(two, 'budget-b', { provider: 'sms_hook', to: '+447400123499' }, TENANTS.b)).status).toBe(200);
  });

  it('warn once per window when a budget passes 80 %', () => {
    const warnings = [...one.logs, ...two.logs]
      .flatMap((l) => l.split('\n'))
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => typeof l.msg === 'string' && l.msg.startsWith('a send budget is past 80 %'));
    // Country (4): the 4th send passes 3.2; namespace (6): the 5th passes 4.8. Once each, whichever instance counted it.
    expect(warnings.map((w) => [w.budget, w.count, w.limit, w.namespace]).sort()).toEqual([
      ['country', 4, 4, 'nsA'],
      ['namespace', 5, 6, 'nsA'],
    ]);
  });

  it('keeps every counter key with a TTL no longer than the window', async () => {
    const admin = await connectAdmin();
    const keys = (await keysUnder(admin, prefix)).filter((k) => k.startsWith(`${prefix}:sp:`));
    expect(keys.some((k) => k.includes(':range:'))).toBe(true);
    for (const key of keys) {
      const ttl = await admin.pTTL(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(3_600_000);
    }
    await admin.close();
    // The range key family holds HMACs, and no key holds a number.
    expect(keys.map((k) => k.slice(prefix.length)).join(' ')).not.toMatch(/\d{6,}/);
  });
});

describe('on the public pages', () => {
  let peer: HttpPeer;
  let gw: TestGateway;
  beforeAll(async () => {
    peer = await startHttpPeer();
    gw = await buildTestGateway({ store: 'memory', config: { app: { sms_countries: ['IN'] }, webhooks: phoneHook(peer.url), rate_limit: { sends_per_range: 1 } } });
  });
  afterAll(async () => {
    await gw.close();
    await peer.close();
  });

  it('the address page refuses a number of another country with the sentence under the form, storing and sending nothing', async () => {
    expect((await create(gw, 'page-country-1', { provider: 'sms_hook' })).status).toBe(200);
    const refused = await request(gw.app).post('/otp/nsA/page-country-1/address').type('form').send('to=%2B447400123456');
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('We cannot send codes to numbers of this country (United Kingdom).');
    const german = await request(gw.app).post('/otp/nsA/page-country-1/address').set('Accept-Language', 'de').type('form').send('to=%2B447400123456');
    expect(german.text).toContain('An Nummern aus diesem Land (Vereinigtes Königreich) können wir keine Codes senden.');
    expect((await gw.service.find({ namespace: 'nsA', id: 'page-country-1' }))?.to).toBe('');
    expect(peer.requests).toHaveLength(0);
    const sent = await request(gw.app).post('/otp/nsA/page-country-1/address').type('form').send('to=9876543210');
    expect(sent.status).toBe(302);
    expect(peer.requests).toHaveLength(1);
  });

  it('a Resend spends the range budget like a create: refused with 429 and Retry-After once it is spent', async () => {
    // sends_per_range = 1: the address page above spent the range of +91 98765 43xxx.
    const refused = await request(gw.app).post('/otp/nsA/page-country-1').type('form').send('action=resend');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(peer.requests).toHaveLength(1);
    // Refused before the store counted it: the OTP's own send budget is untouched.
    expect((await gw.service.find({ namespace: 'nsA', id: 'page-country-1' }))?.generate).toBe(1);
  });
});
