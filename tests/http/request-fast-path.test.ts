import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../src/app';
import { basic, buildTestGateway, TENANTS, type TestGateway } from '../helpers/gateway';

/**
 * The API fast path must be indistinguishable from the Express routes: every
 * request here is sent to the normal app and to one with the fast path off,
 * and status, headers and body must match (generated values aside).
 */

type Step = { method: 'put' | 'post'; path: string; body?: string | object; type?: string; auth?: string };

const VOLATILE_HEADERS = ['date', 'x-request-id', 'content-length', 'connection', 'keep-alive'];

function normalise(res: request.Response): unknown {
  // Seconds left can tick between the two runs: compare their presence, not their value.
  const headers = Object.fromEntries(
    Object.entries(res.headers)
      .filter(([name]) => !VOLATILE_HEADERS.includes(name))
      .map(([name, value]) => [name, name === 'retry-after' ? '<n>' : value]),
  );
  const text = res.text
    .replace(/"otp":"\d+"/g, '"otp":"<code>"')
    .replace(/"(ttl|ttl_seconds)":\d+/g, '"$1":<n>')
    .replace(/after \d+ seconds/g, 'after <n> seconds').replace(/(\/api\/otp\/|"id":"|\/otp\/nsA\/)[A-Za-z0-9]{32}/g, '$1<generated>');
  return { status: res.status, headers, text };
}

async function run(app: Express, suffix: string, steps: Step[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const step of steps) {
    let req = request(app)[step.method](step.path.replace('{id}', `fast-${suffix}`));
    req = req.set('Authorization', step.auth ?? basic(TENANTS.a));
    if (step.type) req = req.set('Content-Type', step.type);
    const res = step.body === undefined ? await req : await req.send(step.body);
    out.push(normalise(res));
  }
  return out.map((o) => JSON.parse(JSON.stringify(o).replaceAll(`fast-${suffix}`, 'fast-ID')));
}

describe('the API fast path', () => {
  let gw: TestGateway;
  let expressOnly: Express;
  beforeAll(async () => {
    gw = await buildTestGateway({ store: 'redis' });
    expressOnly = createApp({ service: gw.service, store: gw.store, providers: gw.providers, tenants: [TENANTS.a, TENANTS.b], logger: gw.logger, fastPath: false });
  });
  afterAll(() => gw.close());

  it('answers create, verify and status exactly like the Express routes', async () => {
    const form = 'application/x-www-form-urlencoded';
    const steps: Step[] = [
      { method: 'put', path: '/api/otp/{id}', body: 'provider=log&max_attempts=3&extra=%7B%22a%22%3A1%7D', type: form },
      { method: 'post', path: '/api/otp/{id}/status' },
      { method: 'post', path: '/api/otp/{id}', body: 'otp=wrong1', type: form },
      { method: 'post', path: '/api/otp/{id}', body: { otp: 'wrong2' } },
      { method: 'post', path: '/api/otp/{id}', body: 'otp=wrong3', type: form },
      { method: 'post', path: '/api/otp/{id}', body: 'otp=wrong4', type: form },
      { method: 'put', path: '/api/otp/{id}', body: 'provider=log', type: form },
      { method: 'put', path: '/api/otp', body: { provider: 'log', extra: { b: [1, 2] }, ttl: 60 } },
      { method: 'put', path: '/api/otp', body: 'provider=nope', type: form },
      { method: 'put', path: '/api/otp', body: 'provider=log&ttl=0', type: form },
      { method: 'put', path: '/api/otp', body: 'provider=log&provider=log', type: form },
      { method: 'put', path: '/api/otp', body: 'provider=log&extra=%7Bbroken', type: form },
      { method: 'put', path: '/api/otp', body: '{"provider":', type: 'application/json' },
      { method: 'put', path: '/api/otp', body: '[1,2]', type: 'application/json' },
      { method: 'put', path: '/api/otp', body: '', type: 'application/json' },
      { method: 'put', path: '/api/otp', body: Array.from({ length: 120 }, (_, i) => `k${i}=v`).join('&'), type: form },
      { method: 'post', path: '/api/otp/short', body: 'otp=1', type: form },
      { method: 'post', path: '/api/otp/unknown-record/status' },
      { method: 'post', path: '/api/otp/unknown-record', body: 'otp=%E0%A4%A', type: form },
      { method: 'post', path: '/api/otp/{id}', body: 'otp=', type: form },
      { method: 'post', path: '/api/otp/{id}', body: 'otp=x&skip_delete=maybe', type: form },
      { method: 'put', path: '/api/otp', body: 'provider=log', type: 'text/plain' },
      { method: 'put', path: '/api/otp', body: 'provider=log', type: form, auth: basic({ namespace: 'nsA', secret: 'wrong' }) },
      { method: 'put', path: '/api/otp', body: 'provider=log', type: form, auth: 'Bearer x' },
    ];
    const fast = await run(gw.app, 'a', steps);
    const slow = await run(expressOnly, 'b', steps);
    expect(fast).toEqual(slow);
    // The sequence exercised the interesting answers, not only one kind.
    const statuses = (fast as { status: number }[]).map((r) => r.status);
    expect(new Set(statuses)).toEqual(new Set([200, 400, 401, 413, 429]));
  });

  it('verifies with the code that create returned and echoes a given X-Request-Id', async () => {
    const created = await request(gw.app).put('/api/otp/fast-verify').set('Authorization', basic(TENANTS.b)).type('form').send('provider=log');
    expect(created.status).toBe(200);
    const verified = await request(gw.app)
      .post('/api/otp/fast-verify')
      .set('Authorization', basic(TENANTS.b))
      .set('X-Request-Id', 'req-12345')
      .type('form')
      .send(`otp=${created.body.data.otp as string}&skip_delete=true`);
    expect(verified.status).toBe(200);
    expect(verified.headers['x-request-id']).toBe('req-12345');
    expect(verified.body.data).toMatchObject({ namespace: 'nsB', id: 'fast-verify', closed: true });
    const status = await request(gw.app).post('/api/otp/fast-verify/status').set('Authorization', basic(TENANTS.b));
    expect(status.status).toBe(200);
    expect(status.body.data.closed).toBe(true);
  });
});
