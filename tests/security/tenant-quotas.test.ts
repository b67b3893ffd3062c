import request from 'supertest';
import { basic, buildTestGateway, TENANTS, type TestGateway } from '../helpers/gateway';

/**
 * The review's "one tenant fills the memory store for every tenant": records
 * per namespace are capped on the memory store, and `extra` has a size cap on every store.
 */
describe('a tenant filling the memory store', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await buildTestGateway({ store: 'memory', config: { app: { max_otps_per_namespace: 5 } } });
  });
  afterAll(() => gw.close());

  const create = (tenant: { namespace: string; secret: string }, id: string): request.Test =>
    request(gw.app).put(`/api/otp/${id}`).set('Authorization', basic(tenant)).type('form').send({ provider: 'log', ttl: '86400', extra: '"x"' });

  it('is refused with 429 namespace_full past app.max_otps_per_namespace, while other tenants and regenerations go on', async () => {
    for (let i = 0; i < 5; i++) expect((await create(TENANTS.a, `fill-00000${i}`)).status).toBe(200);
    const refused = await create(TENANTS.a, 'fill-000005');
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ status: 'error', code: 'namespace_full', message: expect.stringContaining('app.max_otps_per_namespace'), data: { max_otps: 5 } });
    expect((await request(gw.app).put('/api/otp').set('Authorization', basic(TENANTS.a)).type('form').send('provider=log')).status).toBe(429);
    expect((await create(TENANTS.b, 'other-000000')).status).toBe(200);
    expect((await create(TENANTS.a, 'fill-000000')).status).toBe(200);
    await request(gw.app).delete('/api/otp/fill-000001').set('Authorization', basic(TENANTS.a)).expect(200);
    expect((await create(TENANTS.a, 'fill-000005')).status).toBe(200);
  });
});

describe.each(['memory', 'redis'] as const)('the size of `extra` on the %s store', (store) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await buildTestGateway({ store });
  });
  afterAll(() => gw.close());

  const put = (extra: unknown): request.Test => request(gw.app).put('/api/otp/extra-00001').set('Authorization', basic(TENANTS.a)).send({ provider: 'log', extra });

  it('is refused with 413 extra_too_large over 4096 bytes of JSON (the default of app.max_extra_bytes), and nothing is stored', async () => {
    const refused = await put({ blob: 'x'.repeat(60_000) });
    expect(refused.status).toBe(413);
    expect(refused.body).toMatchObject({ code: 'extra_too_large', data: { field: 'extra', max_bytes: 4096 } });
    expect((await request(gw.app).post('/api/otp/extra-00001/status').set('Authorization', basic(TENANTS.a))).body.code).toBe('not_found');
    // Bytes, not characters: 2000 three-byte characters are 6000 bytes.
    expect((await put('€'.repeat(2000))).status).toBe(413);
    const fits = await put({ blob: 'x'.repeat(4096 - '{"blob":""}'.length) });
    expect(fits.status).toBe(200);
  });
});
