import request from 'supertest';
import type { HttpPeer } from '../helpers/http-peer';
import type { TestGateway } from '../helpers/gateway';
import { create, logLines, refusingUrl, routeGateway, startPeers, webhookTable } from './route-harness';

const TO = '+919876543210';

describe('a route delivers through its next provider when one fails', () => {
  let peers: HttpPeer[];
  let gw: TestGateway | undefined;
  beforeEach(async () => {
    peers = await startPeers(2);
  });
  afterEach(async () => {
    await gw?.close();
    gw = undefined;
    await Promise.all(peers.map((p) => p.close()));
  });

  it('answers 200 through the second provider when the first answers HTTP 500, and logs the try with its reason', async () => {
    peers[0]?.reply({ status: 500, body: 'upstream down' });
    gw = await routeGateway({ first: webhookTable(`${peers[0]?.url}/a`), second: webhookTable(`${peers[1]?.url}/b`) }, { sms: { providers: ['first', 'second'], timeout: '5s' } });
    const res = await create(gw, 'route-500-1', { provider: 'sms', to: TO });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ provider: 'sms', delivered_via: 'second', to: TO });
    expect(peers.map((p) => p.requests.length)).toEqual([1, 1]);
    const failed = logLines(gw, 'route try failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ route: 'sms', provider: 'first', try: 1, result: 'failed' });
    expect(String(failed[0]?.reason)).toContain('HTTP 500');
    expect(logLines(gw, 'route try delivered')[0]).toMatchObject({ provider: 'second', try: 2 });
    // The OTP read back later still says who delivered it.
    const read = await request(gw.app).post('/api/otp/route-500-1').set('Authorization', `Basic ${Buffer.from('nsA:secret-of-tenant-A').toString('base64')}`).send({ otp: 'wrong!' });
    expect((read.body as { data: { delivered_via: string } }).data.delivered_via).toBe('second');
  });

  it('delivers through the second provider within the route timeout when the first does not answer in its own timeout', async () => {
    peers[0]?.reply({ hang: true });
    gw = await routeGateway(
      { first: webhookTable(`${peers[0]?.url}/a`, { timeout: '1s' }), second: webhookTable(`${peers[1]?.url}/b`) },
      { sms: { providers: ['first', 'second'], timeout: '4s' } },
    );
    const started = performance.now();
    const res = await create(gw, 'route-hang-1', { provider: 'sms', to: TO });
    const ms = Math.round(performance.now() - started);
    expect(res.status).toBe(200);
    expect(res.body.data?.delivered_via).toBe('second');
    expect(peers.map((p) => p.requests.length)).toEqual([1, 1]);
    expect(String(logLines(gw, 'route try failed')[0]?.reason)).toContain('no answer within 1000 ms');
    // Measured, not asserted against a bound: reported in the closing note.
    process.stdout.write(`route failover after a 1s member timeout: 2 tries, delivered through the second in ${ms} ms\n`);
  });

  it('delivers through the second provider when the first refuses the connection', async () => {
    gw = await routeGateway({ first: webhookTable(await refusingUrl()), second: webhookTable(`${peers[1]?.url}/b`) }, { sms: { providers: ['first', 'second'] } });
    const res = await create(gw, 'route-refused-1', { provider: 'sms', to: TO });
    expect(res.status).toBe(200);
    expect(res.body.data?.delivered_via).toBe('second');
    expect(String(logLines(gw, 'route try failed')[0]?.reason)).toMatch(/ECONNREFUSED/);
  });

  it('answers 502 delivery_failed when every provider fails, and the log names each with its reason but never the code', async () => {
    for (const p of peers) p.reply((req) => ({ status: 400, body: `rejected code ${(JSON.parse(req.text) as { otp: { otp: string } }).otp.otp}` }));
    gw = await routeGateway({ first: webhookTable(`${peers[0]?.url}/a`), second: webhookTable(`${peers[1]?.url}/b`) }, { sms: { providers: ['first', 'second'] } });
    const res = await create(gw, 'route-all-1', { provider: 'sms', to: TO });
    expect(res.status).toBe(502);
    expect(res.body.code).toBe('delivery_failed');
    const line = logLines(gw, 'delivery failed')[0];
    expect(line?.provider).toBe('sms');
    expect(String(line?.err)).toMatch(/^route sms: every provider failed \(first: .*HTTP 400.*; second: .*HTTP 400/);
    const code = (JSON.parse(peers[0]?.requests[0]?.text ?? '{}') as { otp: { otp: string } }).otp.otp;
    expect(code).toMatch(/^\d{6}$/);
    const logged = gw.logs.join('\n').replace(/"time":\d+/g, '');
    expect(logged).toContain('[code]');
    expect(logged).not.toContain(code);
  });

  it('stops when the route timeout runs out, even if the member itself would wait longer', async () => {
    peers[0]?.reply({ hang: true });
    gw = await routeGateway(
      { first: webhookTable(`${peers[0]?.url}/a`, { timeout: '30s' }), second: webhookTable(`${peers[1]?.url}/b`) },
      { sms: { providers: ['first', 'second'], timeout: '1s' } },
    );
    const res = await create(gw, 'route-budget-1', { provider: 'sms', to: TO });
    expect(res.status).toBe(502);
    expect(peers[1]?.requests).toHaveLength(0);
    expect(String(logLines(gw, 'delivery failed')[0]?.err)).toContain("not tried before the route's 1000 ms timeout: second");
  });
});

describe('prefix routing', () => {
  it('uses the list of the longest E.164 prefix that matches, else the route list', async () => {
    const peers = await startPeers(3);
    const [base, india, nine] = peers;
    const gw = await routeGateway(
      { base: webhookTable(`${base?.url}/x`), india: webhookTable(`${india?.url}/x`), nine: webhookTable(`${nine?.url}/x`) },
      { sms: { providers: ['base'], prefixes: { '+9': ['nine'], '+91': ['india', 'base'] } } },
    );
    try {
      expect((await create(gw, 'prefix-in-1', { provider: 'sms', to: '+919876543210' })).body.data?.delivered_via).toBe('india');
      expect((await create(gw, 'prefix-pk-1', { provider: 'sms', to: '+923001234567' })).body.data?.delivered_via).toBe('nine');
      expect((await create(gw, 'prefix-us-1', { provider: 'sms', to: '+14155552671' })).body.data?.delivered_via).toBe('base');
      expect(peers.map((p) => p.requests.length)).toEqual([1, 1, 1]);
    } finally {
      await gw.close();
      await Promise.all(peers.map((p) => p.close()));
    }
  });
});

describe('resend through a route', () => {
  it('starts after the provider that delivered last, wrapping around', async () => {
    const peers = await startPeers(2);
    const gw = await routeGateway(
      { first: webhookTable(`${peers[0]?.url}/a`), second: webhookTable(`${peers[1]?.url}/b`) },
      { sms: { providers: ['first', 'second'] } },
    );
    try {
      const fields = { provider: 'sms', to: TO, max_generate: 5 };
      expect((await create(gw, 'resend-route-1', fields)).body.data?.delivered_via).toBe('first');
      // PUT again = regenerate: the next member.
      expect((await create(gw, 'resend-route-1', fields)).body.data?.delivered_via).toBe('second');
      // The page's Resend: after `second` comes `first` again.
      const resent = await gw.service.resend({ namespace: 'nsA', id: 'resend-route-1' });
      expect(resent.delivered_via).toBe('first');
      expect(peers.map((p) => p.requests.length)).toEqual([2, 1]);
    } finally {
      await gw.close();
      await Promise.all(peers.map((p) => p.close()));
    }
  });
});

describe('the per-address send limit and routes', () => {
  it('counts one send per route delivery, however many providers it tried', async () => {
    const peers = await startPeers(2);
    peers[0]?.reply({ status: 503, body: 'busy' });
    const gw = await routeGateway(
      { first: webhookTable(`${peers[0]?.url}/a`), second: webhookTable(`${peers[1]?.url}/b`) },
      { sms: { providers: ['first', 'second'] } },
      { rate_limit: { sends_per_address: 2, sends_window: '1h' } },
    );
    try {
      // Each delivery tries two providers: counted per try, the second create would already be refused.
      expect((await create(gw, 'limit-route-1', { provider: 'sms', to: TO })).status).toBe(200);
      expect((await create(gw, 'limit-route-2', { provider: 'sms', to: TO })).status).toBe(200);
      const third = await create(gw, 'limit-route-3', { provider: 'sms', to: TO });
      expect(third.status).toBe(429);
      expect(third.body.code).toBe('rate_limited');
      expect(peers.map((p) => p.requests.length)).toEqual([2, 2]);
    } finally {
      await gw.close();
      await Promise.all(peers.map((p) => p.close()));
    }
  });
});

describe('routes as channels', () => {
  it('validates and normalises the address once, with its first provider, before any try', async () => {
    const peers = await startPeers(2);
    const gw = await routeGateway({}, { sms: { providers: ['kaleyra_sms', 'kaleyra_whatsapp'] } }, {
      providers: {
        kaleyra_sms: { enabled: true, sid: 'HX1', api_key: 'k', sender: 'ACME', default_phone_code: '+91', endpoint: peers[0]?.url },
        kaleyra_whatsapp: { enabled: true, sid: 'HX1', api_key: 'k', sender: 'ACME', template_name: 'otp', endpoint: peers[1]?.url },
      },
    });
    try {
      const junk = await create(gw, 'route-junk-1', { provider: 'sms', to: 'call me maybe' });
      expect(junk.status).toBe(400);
      expect(peers.map((p) => p.requests.length)).toEqual([0, 0]);
      // National number: the first provider's default_phone_code makes it E.164, and every try sends that.
      peers[0]?.reply({ status: 500, body: 'down' });
      const res = await create(gw, 'route-national-1', { provider: 'sms', to: '98765 43210' });
      expect(res.body.data).toMatchObject({ to: '+919876543210', delivered_via: 'kaleyra_whatsapp' });
      expect(peers.map((p) => new URLSearchParams(p.requests[0]?.text).get('to'))).toEqual(['+919876543210', '+919876543210']);
    } finally {
      await gw.close();
      await Promise.all(peers.map((p) => p.close()));
    }
  });

  it('delivers through the route when the address page sets the address of an OTP created without one', async () => {
    const peers = await startPeers(2);
    peers[0]?.reply({ status: 500, body: 'down' });
    const gw = await routeGateway({ first: webhookTable(`${peers[0]?.url}/a`), second: webhookTable(`${peers[1]?.url}/b`) }, { sms: { providers: ['first', 'second'] } });
    try {
      const created = await create(gw, 'route-page-1', { provider: 'sms' });
      expect(created.body.data?.delivered_via).toBe('');
      const otp = await gw.service.setAddress({ namespace: 'nsA', id: 'route-page-1' }, TO);
      expect(otp.delivered_via).toBe('second');
      expect(peers.map((p) => p.requests.length)).toEqual([1, 1]);
    } finally {
      await gw.close();
      await Promise.all(peers.map((p) => p.close()));
    }
  });

  it('GET /api/providers lists routes beside providers', async () => {
    const peers = await startPeers(1);
    const gw = await routeGateway({ hook: webhookTable(`${peers[0]?.url}/a`) }, { sms: { providers: ['hook'] } });
    try {
      const res = await request(gw.app).get('/api/providers').set('Authorization', `Basic ${Buffer.from('nsA:secret-of-tenant-A').toString('base64')}`);
      expect(res.body).toEqual({ status: 'success', data: ['hook', 'log', 'sms'] });
    } finally {
      await gw.close();
      await Promise.all(peers.map((p) => p.close()));
    }
  });
});
