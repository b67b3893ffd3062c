import request from 'supertest';
import { apiRoutes } from '../../src/http/api/routes';
import { ERROR_CATALOG } from '../../src/errors';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { basic, buildTestGateway, TENANTS, type TestGateway } from '../helpers/gateway';

/**
 * Every /api request is answered by the one pipeline of src/http/api/: each
 * row of the route table is called, and the pipeline's own count of answers
 * for that row (the `route` label of the HTTP metric, which only the pipeline
 * sets) must move. Nothing else may answer under /api.
 */

/** The count of `otpgateway_http_request_duration_seconds` for a route label, all status classes together. */
async function answersCounted(gw: TestGateway, route: string): Promise<number> {
  const text = (await request(gw.app).get('/metrics')).text;
  return text
    .split('\n')
    .filter((l) => l.startsWith(`otpgateway_http_request_duration_seconds_count{route="${route}",`))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

const API_CSP = "default-src 'none'; frame-ancestors 'none'";

describe.each([
  ['without limits', {}],
  // A rate limit is a step of the same pipeline, not a switch to another path.
  ['with api_per_namespace set', { rate_limit: { api_per_namespace: 1000 } }],
])('the /api pipeline %s', (_name, config) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await buildTestGateway({ store: 'memory', config: { metrics: { enabled: true }, ...config } });
  });
  afterAll(() => gw.close());

  it('answers every row of the route table itself: its count moves and its headers and envelope are on the answer', async () => {
    const table = apiRoutes({ service: gw.service, store: gw.store, channels: gw.providers });
    expect(table.length).toBeGreaterThanOrEqual(8);
    const created = await request(gw.app).put('/api/otp/pipeline-1').set('Authorization', basic(TENANTS.a)).type('form').send('provider=log');
    expect(created.status).toBe(200);
    for (const route of table) {
      const before = await answersCounted(gw, route.name);
      const url = route.path.replace(':id', 'pipeline-1');
      let test = request(gw.app)[route.method.toLowerCase() as 'get' | 'put' | 'post' | 'delete'](url);
      if (route.auth === 'namespace') test = test.set('Authorization', basic(TENANTS.a));
      const res = route.body === 'fields' ? await test.type('form').send(route.method === 'PUT' ? 'provider=log' : 'otp=000000x') : await test;
      expect({ route: `${route.method} ${route.path}`, counted: (await answersCounted(gw, route.name)) - before }).toEqual({ route: `${route.method} ${route.path}`, counted: 1 });
      expect(res.headers['content-security-policy']).toBe(API_CSP);
      expect(res.headers['x-request-id']).toBeTruthy();
      // Every answer is the envelope, except the OpenAPI document, which tools read as it is.
      if (route.answer === 'document') expect(res.body.openapi).toBe('3.1.0');
      else expect(['success', 'error']).toContain(res.body.status);
    }
  });

  it('answers an unknown /api path and a wrong method itself, as no_route', async () => {
    const before = await answersCounted(gw, 'no_route');
    for (const [method, url] of [['get', '/api/nothing'], ['post', '/api/health'], ['get', '/api']] as const) {
      const res = await request(gw.app)[method](url).set('Authorization', basic(TENANTS.a));
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('no_route');
      expect(res.headers['content-security-policy']).toBe(API_CSP);
    }
    expect((await answersCounted(gw, 'no_route')) - before).toBe(3);
  });

  it('routes /api case-sensitively: /API/… is the web surface, with its headers and its 404 page', async () => {
    const res = await request(gw.app).post('/API/otp/abcdefg/status').set('Authorization', basic(TENANTS.a));
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).not.toBe(API_CSP);
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    const mixed = await request(gw.app).post('/Api/Otp/abcdefg/status').set('Authorization', basic(TENANTS.a));
    expect(mixed.status).toBe(404);
    expect(mixed.text).not.toContain('"status"');
  });
});

describe('the error catalog', () => {
  it('gives every code one status, and the README lists each code with that status', () => {
    const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    for (const [code, entry] of Object.entries(ERROR_CATALOG)) {
      expect(readme).toContain(`| \`${code}\` | ${entry.status} |`);
    }
  });
});
