import request from 'supertest';
import { basic, buildTestGateway, TENANTS, type TestGateway } from '../helpers/gateway';

const SHOP = { namespace: 'nsShop', secret: 'secret-of-the-shop' };
const SHOP_ORIGIN = 'https://shop.example';

/** Create an OTP through the API; returns the code the API answered with. */
async function create(gw: TestGateway, id: string, fields: Record<string, string>, tenant: { namespace: string; secret: string } = TENANTS.a): Promise<string> {
  const res = await request(gw.app).put(`/api/otp/${id}`).set('Authorization', basic(tenant)).type('form').send({ provider: 'log', ...fields });
  expect(res.status).toBe(200);
  return res.body.data.otp as string;
}

/** Ask the API whether the user finished (200 closed, 400 otherwise). */
async function apiStatus(gw: TestGateway, id: string): Promise<number> {
  return (await request(gw.app).post(`/api/otp/${id}/status`).set('Authorization', basic(TENANTS.a))).status;
}

function wrongCode(code: string): string {
  return code === '000000' ? '111111' : '000000';
}

describe.each(['memory', 'redis'] as const)('the public pages on the %s store', (store) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await buildTestGateway({
      store,
      config: {
        app: { root_url: 'http://gw.test', otp_max_attempts: 3 },
        // These tests load many pages and send many codes from one client: the limits have their own tests.
        rate_limit: { pages_per_ip: 0, sends_per_address: 0 },
        auth: { Shop: { ...SHOP, allowed_origins: [SHOP_ORIGIN] } },
      },
    });
  });
  afterAll(() => gw.close());

  it('shows the code page with the masked destination, an accessible code input and the attempts left', async () => {
    const code = await create(gw, 'page-code-1', { to: 'john@example.com' });
    const res = await request(gw.app).get('/otp/nsA/page-code-1');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('<h1>Log verification</h1>');
    expect(res.text).toContain('j***@example.com');
    expect(res.text).not.toContain('john@example.com');
    expect(res.text).toMatch(/<input id="otp" name="otp" type="text"[^>]*autocomplete="one-time-code" inputmode="numeric" maxlength="6"/);
    expect(res.text).toMatch(/<label class="label" for="otp">/);
    expect(res.text).toContain('3 of 3 attempts left');
    expect(res.text).toContain('>Resend</button>');
    expect(res.text).toContain('data-poll="/otp/nsA/page-code-1/status"');
    expect(res.text).not.toContain(code);
  });

  it('re-renders a wrong code with "Incorrect OTP." as an alert and one attempt fewer', async () => {
    const code = await create(gw, 'page-wrong-1', { to: 'john@example.com' });
    const res = await request(gw.app).post('/otp/nsA/page-wrong-1').type('form').send({ action: 'check', otp: wrongCode(code) });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/role="alert">Incorrect OTP\.</);
    expect(res.text).toContain('2 of 3 attempts left');
  });

  it('verifies the right code, shows the verified page and keeps the record for the backend to confirm', async () => {
    const code = await create(gw, 'page-right-1', { to: 'john@example.com' });
    const res = await request(gw.app).post('/otp/nsA/page-right-1').type('form').send({ action: 'check', otp: code });
    expect(res.status).toBe(200);
    expect(res.text).toContain('<h1>Verified</h1>');
    expect(await apiStatus(gw, 'page-right-1')).toBe(200);
    const again = await request(gw.app).get('/otp/nsA/page-right-1');
    expect(again.text).toContain('<h1>Verified</h1>');
  });

  it('locks the page after the last wrong attempt, even for the right code', async () => {
    const code = await create(gw, 'page-lock-1', { to: 'john@example.com' });
    for (let i = 0; i < 3; i++) await request(gw.app).post('/otp/nsA/page-lock-1').type('form').send({ action: 'check', otp: wrongCode(code) });
    const res = await request(gw.app).post('/otp/nsA/page-lock-1').type('form').send({ action: 'check', otp: code });
    expect(res.status).toBe(429);
    expect(res.text).toContain('Too many attempts');
    expect(await apiStatus(gw, 'page-lock-1')).toBe(400);
  });

  it('never verifies on GET of the e-mail link: it fills the code in behind one Confirm button', async () => {
    const code = await create(gw, 'page-link-1', { to: 'john@example.com' });
    const res = await request(gw.app).get(`/otp/nsA/page-link-1?action=check&otp=${code}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain(`value="${code}"`);
    expect(res.text.match(/<button/g)).toHaveLength(1);
    expect(res.text).toContain('>Confirm</button>');
    expect(await apiStatus(gw, 'page-link-1')).toBe(400);
    const confirmed = await request(gw.app).post('/otp/nsA/page-link-1').type('form').send({ action: 'check', otp: code });
    expect(confirmed.text).toContain('<h1>Verified</h1>');
    expect(await apiStatus(gw, 'page-link-1')).toBe(200);
  });

  it('answers the status poll with only `closed`, and 404 with the envelope when there is no record', async () => {
    const code = await create(gw, 'page-status-1', { to: 'john@example.com' });
    const open = await request(gw.app).get('/otp/nsA/page-status-1/status');
    expect(open.body).toEqual({ status: 'success', data: { closed: false } });
    await request(gw.app).post('/otp/nsA/page-status-1').type('form').send({ action: 'check', otp: code });
    const closed = await request(gw.app).get('/otp/nsA/page-status-1/status');
    expect(closed.body).toEqual({ status: 'success', data: { closed: true } });
    const missing = await request(gw.app).get('/otp/nsA/no-such-otp/status');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ status: 'error', code: 'not_found', message: 'The OTP does not exist or has expired.' });
  });

  it('shows the same expired page for an unknown id and for an unknown namespace', async () => {
    await create(gw, 'page-ns-1', { to: 'john@example.com' });
    const unknownId = await request(gw.app).get('/otp/nsA/no-such-otp');
    const unknownNs = await request(gw.app).get('/otp/nsNope/page-ns-1');
    expect(unknownId.status).toBe(404);
    expect(unknownNs.status).toBe(404);
    expect(unknownNs.text.replace(/nsNope/g, 'X').replace(/page-ns-1/g, 'Y')).toBe(unknownId.text.replace(/nsA/g, 'X').replace(/no-such-otp/g, 'Y'));
    expect((await request(gw.app).get('/otp/nsNope/page-ns-1/status')).status).toBe(404);
  });

  it('sends the browser to the address page when the OTP has no address, then sends the code and returns', async () => {
    await create(gw, 'page-addr-1', {});
    const page = await request(gw.app).get('/otp/nsA/page-addr-1');
    expect(page.status).toBe(302);
    expect(page.headers.location).toBe('/otp/nsA/page-addr-1/address');
    const form = await request(gw.app).get('/otp/nsA/page-addr-1/address');
    expect(form.text).toMatch(/<label class="label" for="to">Address<\/label>/);
    const empty = await request(gw.app).post('/otp/nsA/page-addr-1/address').type('form').send({ to: '   ' });
    expect(empty.status).toBe(400);
    expect(empty.text).toMatch(/role="alert">Enter your address\.</);
    const logsBefore = gw.logs.length;
    const sent = await request(gw.app).post('/otp/nsA/page-addr-1/address').type('form').send({ to: 'jane@example.com' });
    expect(sent.status).toBe(302);
    expect(sent.headers.location).toBe('/otp/nsA/page-addr-1');
    expect(gw.logs.slice(logsBefore).join('')).toContain('jane@example.com');
    const code = await request(gw.app).get('/otp/nsA/page-addr-1');
    expect(code.text).toContain('j***@example.com');
    expect((await request(gw.app).get('/otp/nsA/page-addr-1/address')).status).toBe(302);
  });

  it('resends the code while the send budget allows, then says no more codes can be sent', async () => {
    await create(gw, 'page-resend-1', { to: 'john@example.com', max_generate: '2' });
    const first = await request(gw.app).post('/otp/nsA/page-resend-1').type('form').send({ action: 'resend' });
    expect(first.status).toBe(200);
    expect(first.text).toContain('We have sent the code again.');
    expect(first.text).not.toContain('>Resend</button>');
    const second = await request(gw.app).post('/otp/nsA/page-resend-1').type('form').send({ action: 'resend' });
    expect(second.status).toBe(429);
    expect(second.text).toContain('No more codes can be sent');
  });

  it('escapes descriptions, addresses and codes from links; never renders `extra`', async () => {
    const xss = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    await create(gw, 'page-xss-1', { to: `a"><script>@example.com`, channel_description: xss, extra: JSON.stringify({ x: xss }) });
    const page = await request(gw.app).get('/otp/nsA/page-xss-1');
    expect(page.text).not.toMatch(/<script>alert|<img src=x/);
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const link = await request(gw.app).get(`/otp/nsA/page-xss-1?action=check&otp=${encodeURIComponent('"><script>alert(3)</script>')}`);
    expect(link.text).not.toMatch(/<script>alert/);
    expect(link.text).toContain('value="&quot;&gt;&lt;script&gt;alert(3)&lt;/script&gt;"');
    await create(gw, 'page-xss-2', { address_description: xss });
    const address = await request(gw.app).get('/otp/nsA/page-xss-2/address');
    expect(address.text).not.toMatch(/<script>alert|<img src=x/);
  });

  it('sizes the input to a caller-chosen code and does not ask for digits when it has letters', async () => {
    await create(gw, 'page-custom-1', { to: 'john@example.com', otp: 'AB12CD34EF' });
    const res = await request(gw.app).get('/otp/nsA/page-custom-1');
    expect(res.text).toMatch(/inputmode="text" maxlength="10"/);
  });

  it('renders ?view=popup without the outer chrome and keeps the popup parameters in every form', async () => {
    await create(gw, 'page-popup-1', { to: 'john@example.com' });
    const res = await request(gw.app).get('/otp/nsA/page-popup-1?view=popup&origin=http%3A%2F%2F127.0.0.1%3A8000');
    expect(res.text).toContain('class="is-popup"');
    expect(res.text).not.toContain('<header');
    expect(res.text).not.toContain('<footer');
    expect(res.text).toContain('action="/otp/nsA/page-popup-1?view=popup&amp;origin=http%3A%2F%2F127.0.0.1%3A8000"');
  });

  it('lets any site frame the pages of a namespace without allowed_origins, and posts the finish to the given origin', async () => {
    const code = await create(gw, 'page-frame-1', { to: 'john@example.com' });
    const res = await request(gw.app).post('/otp/nsA/page-frame-1?view=popup&origin=http%3A%2F%2F127.0.0.1%3A8000').type('form').send({ action: 'check', otp: code });
    expect(res.headers['x-frame-options']).toBeUndefined();
    expect(res.headers['content-security-policy']).toContain('frame-ancestors *');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.text).toContain('data-target="http://127.0.0.1:8000"');
    expect(res.text).toContain('data-finish');
    const noOrigin = await request(gw.app).get('/otp/nsA/page-frame-1?view=popup');
    expect(noOrigin.text).toContain('data-target="*"');
  });

  it('restricts framing and the finish message to allowed_origins when a namespace sets them', async () => {
    const code = await create(gw, 'page-allow-1', { to: 'john@example.com' }, SHOP);
    const page = await request(gw.app).get('/otp/nsShop/page-allow-1');
    expect(page.headers['content-security-policy']).toContain(`frame-ancestors ${SHOP_ORIGIN}`);
    const evil = await request(gw.app).get('/otp/nsShop/page-allow-1?view=popup&origin=https%3A%2F%2Fevil.example');
    expect(evil.text).not.toContain('data-target');
    const res = await request(gw.app).post(`/otp/nsShop/page-allow-1?view=popup&origin=${encodeURIComponent(SHOP_ORIGIN)}`).type('form').send({ action: 'check', otp: code });
    expect(res.text).toContain(`data-target="${SHOP_ORIGIN}"`);
    expect(res.text).toContain('data-finish');
  });

  it('serves otp.js to other origins and nothing outside the asset types', async () => {
    const js = await request(gw.app).get('/static/otp.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect((await request(gw.app).get('/static/otp.css')).status).toBe(200);
    expect((await request(gw.app).get('/static/smtp.tpl')).status).toBe(404);
    expect((await request(gw.app).get('/static/..%2fpackage.json')).status).toBe(404);
  });

  it('answers a malformed form body with a 4xx page, never a 500', async () => {
    await create(gw, 'page-bad-1', { to: 'john@example.com' });
    const res = await request(gw.app).post('/otp/nsA/page-bad-1').type('form').send('otp=%E0%A4%A&action=check');
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const big = await request(gw.app).post('/otp/nsA/page-bad-1').type('form').send(`otp=${'1'.repeat(20_000)}`);
    expect(big.status).toBe(413);
    expect(big.text).toContain('Something went wrong');
  });
});

describe('page branding', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await buildTestGateway({
      store: 'memory',
      config: {
        app: { root_url: 'https://verify.example/otp-gateway', logo_url: 'https://cdn.shop.example/logo.svg', favicon_url: 'https://cdn.shop.example/favicon.ico' },
        rate_limit: { pages_per_ip: 0, sends_per_address: 0 },
      },
    });
  });
  afterAll(() => gw.close());

  it('shows logo_url and favicon_url, allows their origin for images only, and links under the root_url path', async () => {
    await create(gw, 'brand-0001', { to: 'brand@example.com' });
    const res = await request(gw.app).get('/otp/nsA/brand-0001');
    expect(res.text).toContain('<img class="brand-logo" src="https://cdn.shop.example/logo.svg"');
    expect(res.text).toContain('<link rel="icon" href="https://cdn.shop.example/favicon.ico">');
    expect(res.text).toContain('href="/otp-gateway/static/style.css"');
    expect(res.text).toContain('action="/otp-gateway/otp/nsA/brand-0001"');
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toContain("img-src 'self' data: https://cdn.shop.example");
    expect(csp).toContain("script-src 'self';");
  });
});
