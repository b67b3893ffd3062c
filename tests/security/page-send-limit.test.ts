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
