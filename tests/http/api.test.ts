import request from 'supertest';
import { basic, buildTestGateway, TENANTS, type TestGateway } from '../helpers/gateway';
import { startRedis, type RedisServer } from '../helpers/redis-server';
import { newId, useApi } from './api-harness';

const JSON_TYPE = 'application/json; charset=utf-8';
const CHALLENGE = 'Basic realm="otpgateway"';

describe.each(['memory', 'redis'] as const)('the /api surface on the %s store', (store) => {
  const api = useApi(store);

  describe('envelope, health and providers', () => {
    it('answers health without credentials with the success envelope', async () => {
      const res = await api.anonymous.get('/api/health');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(JSON_TYPE);
      expect(res.body).toEqual({ status: 'success', data: 'OK' });
    });

    it('lists the enabled providers as a sorted array of ids', async () => {
      const res = await api.as.a.get('/api/providers');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(JSON_TYPE);
      expect(res.body).toEqual({ status: 'success', data: ['hook_flaky', 'hook_ok', 'log'] });
    });

    it.each([
      ['GET', '/api/nope'],
      ['GET', '/api/otp/abcdef'],
      ['PATCH', '/api/otp/abcdef'],
      ['POST', '/api/providers'],
      ['GET', '/api'],
    ])('answers an unknown route %s %s with a JSON 404, with or without credentials', async (method, path) => {
      for (const auth of [undefined, basic(TENANTS.a)]) {
        const test = request(api.server)[method.toLowerCase() as 'get'](path);
        const res = await (auth ? test.set('Authorization', auth) : test);
        expect(res.status).toBe(404);
        expect(res.headers['content-type']).toBe(JSON_TYPE);
        expect(res.body).toEqual({ status: 'error', code: 'no_route', message: expect.stringMatching(/^There is no API route .+\.$/) });
      }
    });

    it.each([
      ['a truncated JSON object', 'application/json', '{"provider": "log",', 400, 'invalid_body'],
      ['a JSON array', 'application/json', '["log"]', 400, 'invalid_body'],
      ['a bare JSON string', 'application/json', '"log"', 400, 'invalid_body'],
      ['JSON in an unsupported charset', 'application/json; charset=latin-9', '{"provider":"log"}', 415, 'unsupported_media_type'],
      ['plain text', 'text/plain', 'provider=log', 415, 'unsupported_media_type'],
    ])('answers %s as the body with a 4xx envelope, never a 500', async (_name, type, body, status, code) => {
      for (const res of [
        await api.as.a.put(`/api/otp/${newId()}`).set('Content-Type', type).send(body),
        await api.as.a.post(`/api/otp/${newId()}`).set('Content-Type', type).send(body),
      ]) {
        expect(res.status).toBe(status);
        expect(res.headers['content-type']).toBe(JSON_TYPE);
        expect(res.body).toEqual({ status: 'error', code, message: expect.stringMatching(/^[A-Z].+\.$/) });
      }
    });
  });

  describe('authentication', () => {
    const encode = (text: string): string => `Basic ${Buffer.from(text).toString('base64')}`;
    it.each([
      ['no Authorization header', undefined],
      ['a Bearer token', 'Bearer abc.def'],
      ['Basic without credentials', 'Basic'],
      ['Basic with broken base64', 'Basic %%%not-base64%%%'],
      ['Basic without a colon', encode(`nsA${TENANTS.a.secret}`)],
      ['an unknown namespace', encode(`nsZ:${TENANTS.a.secret}`)],
      ['a wrong secret', encode(`nsA:${TENANTS.b.secret}`)],
      ['an empty secret', encode('nsA:')],
      ['the secret of another namespace', encode(`nsB:${TENANTS.a.secret}`)],
    ])('answers %s with 401, the envelope and a Basic challenge on every route', async (_name, authorization) => {
      const routes = [
        request(api.server).get('/api/providers'),
        request(api.server).put('/api/otp').send('provider=log'),
        request(api.server).put('/api/otp/abcdef').send('provider=log'),
        request(api.server).post('/api/otp/abcdef').send('otp=123456'),
        request(api.server).post('/api/otp/abcdef/status'),
        request(api.server).delete('/api/otp/abcdef/status'),
        request(api.server).delete('/api/otp/abcdef'),
      ];
      for (const test of routes) {
        const res = await (authorization === undefined ? test : test.set('Authorization', authorization));
        expect(res.status).toBe(401);
        expect(res.headers['www-authenticate']).toBe(CHALLENGE);
        expect(res.headers['content-type']).toBe(JSON_TYPE);
        expect(res.body).toEqual({ status: 'error', code: 'unauthorized', message: expect.stringMatching(/^[A-Z].+\.$/) });
      }
    });

    it('accepts a secret that contains a colon', async () => {
      const gw = await buildTestGateway({ store: 'memory', config: { auth: { C: { namespace: 'nsC', secret: 'with:colon-in-the-secret' } } } });
      try {
        await request(gw.app).get('/api/providers').set('Authorization', basic({ namespace: 'nsC', secret: 'with:colon-in-the-secret' })).expect(200);
      } finally {
        await gw.close();
      }
    });
  });

  describe('namespaces', () => {
    it('keeps an OTP of one namespace out of reach of another', async () => {
      const id = newId('shared');
      const created = await api.as.a.put(`/api/otp/${id}`, { provider: 'log', to: 'a@example.com' }).expect(200);
      const code = created.body.data.otp as string;
      const missing = { status: 'error', code: 'not_found', message: 'The OTP does not exist or has expired.' };
      expect((await api.as.b.post(`/api/otp/${id}`, { otp: code })).body).toEqual(missing);
      expect((await api.as.b.post(`/api/otp/${id}/status`)).body).toEqual(missing);
      expect((await api.as.b.delete(`/api/otp/${id}/status`)).body).toEqual(missing);
      expect((await api.as.b.delete(`/api/otp/${id}`)).body).toEqual(missing);
      const verified = await api.as.a.post(`/api/otp/${id}`, { otp: code }).expect(200);
      expect(verified.body.data).toMatchObject({ namespace: 'nsA', attempts: 1, closed: true });
    });

    it('treats the same id in two namespaces as two unrelated OTPs', async () => {
      const id = newId('twin');
      const a = await api.as.a.put(`/api/otp/${id}`, { provider: 'log', to: 'a@example.com', otp: 'code-of-A' }).expect(200);
      const b = await api.as.b.put(`/api/otp/${id}`, { provider: 'log', to: 'b@example.com', otp: 'code-of-B' }).expect(200);
      expect([a.body.data.generate, b.body.data.generate]).toEqual([1, 1]);
      expect(b.body.data.url).toBe(`http://gw.test/otp/nsB/${id}`);
      const wrong = await api.as.b.post(`/api/otp/${id}`, { otp: 'code-of-A' }).expect(400);
      expect(wrong.body.data).toMatchObject({ namespace: 'nsB', to: 'b@example.com', attempts: 1 });
      const right = await api.as.a.post(`/api/otp/${id}`, { otp: 'code-of-A' }).expect(200);
      expect(right.body.data).toMatchObject({ namespace: 'nsA', to: 'a@example.com', attempts: 1 });
    });
  });
});

describe('/api/health when Redis stops answering', () => {
  let redis: RedisServer;
  let gw: TestGateway;
  beforeAll(async () => {
    redis = await startRedis();
    gw = await buildTestGateway({ store: 'redis', config: { store: { redis: { port: redis.port, timeout: '500ms' } } } });
  });
  afterAll(async () => {
    await gw.close();
    await redis.stop();
  });

  it('answers 503 with the envelope while Redis is down, and 200 again once it is back', async () => {
    await request(gw.app).get('/api/health').expect(200);
    await redis.stop();
    const down = await request(gw.app).get('/api/health');
    expect(down.status).toBe(503);
    expect(down.headers['content-type']).toBe(JSON_TYPE);
    expect(down.body).toEqual({ status: 'error', code: 'store_unavailable', message: expect.stringMatching(/^[A-Z].+\.$/) });

    const created = await request(gw.app).put('/api/otp/while-down').set('Authorization', basic(TENANTS.a)).send('provider=log');
    expect(created.status).toBe(503);
    expect(created.body.status).toBe('error');

    await redis.restart();
    let status = 0;
    // The client reconnects with a backoff of up to a second; wait for it rather than assume a delay.
    for (let tries = 0; status !== 200 && tries < 100; tries++) {
      status = (await request(gw.app).get('/api/health')).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe(200);
  });
});
