import request from 'supertest';
import { basic, buildTestGateway, TENANTS, type TestGateway } from '../helpers/gateway';

describe('the per-address send limit on the public pages', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await buildTestGateway({ store: 'memory', config: { rate_limit: { sends_per_address: 1 } } });
  });
  afterAll(() => gw.close());

  it('refuses a Resend over the limit with 429, a Retry-After header and the sentence on the page', async () => {
    await request(gw.app)
      .put('/api/otp/page-limit-1')
      .set('Authorization', basic(TENANTS.a))
      .type('form')
      .send('provider=log&to=someone@example.com')
      .expect(200);
    const refused = await request(gw.app).post('/otp/nsA/page-limit-1').type('form').send('action=resend');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.text).toContain('Too many codes were sent to this address');
  });
});

describe.each(['memory', 'redis'] as const)('a page resend of an OTP created without an address, on the %s store', (store) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await buildTestGateway({ store });
  });
  afterAll(() => gw.close());

  it('goes to the address page and counts nothing, so the tenant can still regenerate the OTP', async () => {
    const create = (): request.Test => request(gw.app).put('/api/otp/no-address-1').set('Authorization', basic(TENANTS.a)).type('form').send('provider=log');
    expect((await create()).body.data).toMatchObject({ generate: 1, max_generate: 3 });
    for (let i = 0; i < 3; i++) {
      const resend = await request(gw.app).post('/otp/nsA/no-address-1').type('form').send('action=resend');
      expect(resend.status).toBe(302);
      // Straight to the address page, or to the code page that sends the browser there.
      expect(resend.headers.location).toMatch(/^\/otp\/nsA\/no-address-1(\/address)?$/);
    }
    const regenerated = await create();
    expect(regenerated.status).toBe(200);
    expect(regenerated.body.data.generate).toBe(2);
  });
});
