import request from 'supertest';
import { VERSION } from '../../src/version';
import { basic, buildTestGateway, TENANTS, type TestGateway } from '../helpers/gateway';

describe('GET /outbox/<namespace>', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await buildTestGateway({ store: 'memory', config: { providers: { outbox: { enabled: true, channel_name: 'SMS', address: 'any' } } } });
  });
  afterAll(async () => {
    await gw.close();
  });

  it('asks for the namespace\'s Basic credentials, and refuses another namespace\'s', async () => {
    const none = await request(gw.app).get('/outbox/nsA');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Basic realm="otpgateway"');
    expect((await request(gw.app).get('/outbox/nsA').set('Authorization', basic(TENANTS.b))).status).toBe(401);
    expect((await request(gw.app).get('/outbox/nsA').set('Authorization', basic({ ...TENANTS.a, secret: 'wrong-secret-of-tenant-A' }))).status).toBe(401);
  });

  it('lists the messages with the code highlighted and a link to each OTP\'s page, refreshing itself without JavaScript', async () => {
    const created = await request(gw.app).put('/api/otp/page-otp-1').set('Authorization', basic(TENANTS.a)).type('form').send('provider=outbox&to=<b>dev</b>&otp=987654');
    expect(created.status).toBe(200);
    await request(gw.app).put('/api/otp/page-otp-b').set('Authorization', basic(TENANTS.b)).type('form').send('provider=outbox&to=other&otp=111222');
    const page = await request(gw.app).get('/outbox/nsA').set('Authorization', basic(TENANTS.a));
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toMatch(/<meta http-equiv="refresh" content="\d+">/);
    expect(page.text).toContain('<mark class="outbox-code">987654</mark>');
    expect(page.text).toContain('href="/otp/nsA/page-otp-1"');
    // The address is the caller's text: escaped, never markup.
    expect(page.text).toContain('&lt;b&gt;dev&lt;/b&gt;');
    expect(page.text).not.toContain('<b>dev</b>');
    // Only this namespace's messages.
    expect(page.text).not.toContain('111222');
    expect(page.headers['cache-control']).toBe('no-store');
  });
});

describe('without an outbox provider', () => {
  it('has no outbox page (404)', async () => {
    const gw = await buildTestGateway({ store: 'memory' });
    try {
      expect((await request(gw.app).get('/outbox/nsA').set('Authorization', basic(TENANTS.a))).status).toBe(404);
    } finally {
      await gw.close();
    }
  });
});

describe('GET /', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await buildTestGateway({ store: 'memory', config: { providers: { outbox: { enabled: true } } } });
  });
  afterAll(async () => {
    await gw.close();
  });

  it('answers a page with the product name, version and links, and nothing about namespaces or config', async () => {
    const res = await request(gw.app).get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('otpgateway');
    expect(res.text).toContain(VERSION);
    expect(res.text).toContain('href="/api/health"');
    for (const secretish of ['nsA', 'nsB', TENANTS.a.secret, 'outbox', 'memory']) expect(res.text).not.toContain(secretish);
  });

  it('answers JSON for Accept: application/json', async () => {
    const res = await request(gw.app).get('/').set('Accept', 'application/json');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ name: 'otpgateway', version: VERSION, links: { health: '/api/health', openapi: '/api/openapi.json', readme: expect.stringMatching(/^https:\/\//) } });
  });
});
