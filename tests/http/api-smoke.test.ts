import request from 'supertest';
import { basic, buildTestGateway, TENANTS, type TestGateway } from '../helpers/gateway';

describe.each(['memory', 'redis'] as const)('the API on the %s store', (store) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await buildTestGateway({ store });
  });
  afterAll(() => gw.close());

  it('creates an OTP and verifies it with the code it returned', async () => {
    const created = await request(gw.app).put('/api/otp/user-000001').set('Authorization', basic(TENANTS.a)).send('provider=log&to=john@example.com');
    expect(created.status).toBe(200);
    const code = created.body.data.otp as string;
    expect(code).toMatch(/^\d{6}$/);
    const verified = await request(gw.app).post('/api/otp/user-000001').set('Authorization', basic(TENANTS.a)).send(`otp=${code}`);
    expect(verified.status).toBe(200);
    expect(verified.body.data.closed).toBe(true);
    expect(verified.body.data.otp).toBeUndefined();
  });
});
