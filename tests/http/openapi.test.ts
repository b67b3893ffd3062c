import { readFileSync } from 'node:fs';
import { validate } from '@readme/openapi-parser';
import request from 'supertest';
import { ERROR_CATALOG } from '../../src/errors';
import { apiRoutes } from '../../src/http/api/routes';
import { openApiPath } from '../../src/http/api/openapi';
import { buildTestGateway, type TestGateway } from '../helpers/gateway';
import { OPENAPI_FILE, openApiMismatch } from '../helpers/openapi-check';

/** The OpenAPI document: generated from the route table, committed as openapi.json, served at GET /api/openapi.json. */

type Operation = { operationId: string; security: unknown[]; responses: Record<string, { content: { 'application/json': { schema: unknown } } }> };
type Document = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

const committed = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as Document;

describe('the OpenAPI document', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await buildTestGateway({ store: 'memory' });
  });
  afterAll(() => gw.close());

  it('is served at GET /api/openapi.json without credentials, as it is (no envelope), and is exactly the committed openapi.json (else: npm run openapi)', async () => {
    const res = await request(gw.app).get('/api/openapi.json').expect(200).expect('Content-Type', /^application\/json/);
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body).toEqual(committed);
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await validate(OPENAPI_FILE);
    expect(result).toMatchObject({ valid: true });
  });

  it('has one operation per row of the route table, with Basic auth exactly where the row asks for a namespace, and unique operation ids', () => {
    const table = apiRoutes({ service: gw.service, store: gw.store, channels: gw.providers });
    const documented = Object.entries(committed.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(table.map((r) => `${r.method} ${openApiPath(r.path)}`).sort());
    for (const route of table) {
      const op = committed.paths[openApiPath(route.path)]?.[route.method.toLowerCase()];
      expect({ route: route.path, security: op?.security }).toEqual({ route: route.path, security: route.auth === 'namespace' ? [{ namespace: [] }] : [] });
    }
    const ids = documented.map((d) => { const [m, p] = d.split(' '); return committed.paths[p ?? '']?.[(m ?? '').toLowerCase()]?.operationId; });
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('lists every code of the error catalog under the status the catalog gives it, except those only the pages answer', () => {
    const seen = new Map<string, Set<string>>();
    const text = JSON.stringify(committed);
    for (const [code, { status }] of Object.entries(ERROR_CATALOG)) {
      // Resend and the address form are page actions: no /api route answers these.
      if (code === 'no_address' || code === 'address_already_set') {
        expect({ code, documented: text.includes(`"const":"${code}"`) }).toEqual({ code, documented: false });
        continue;
      }
      if (code === 'no_route') {
        expect(committed.components.schemas.NoRoute).toMatchObject({ properties: { code: { const: 'no_route' } } });
        continue;
      }
      for (const item of Object.values(committed.paths)) {
        for (const op of Object.values(item)) {
          if (JSON.stringify(op.responses[String(status)] ?? {}).includes(`{"const":"${code}"}`)) seen.set(code, (seen.get(code) ?? new Set()).add(String(status)));
        }
      }
      expect({ code, documented: text.includes(`"const":"${code}"`), statuses: [...(seen.get(code) ?? [])] }).toEqual({ code, documented: true, statuses: [String(status)] });
    }
  });
});

describe('the check of every test answer against the document', () => {
  const OTP = {
    namespace: 'nsA', id: 'abcdef', to: '', channel_description: '', address_description: '', extra: {}, provider: 'log',
    max_attempts: 5, attempts: 0, max_generate: 3, generate: 1, closed: false, ttl: 300, url: 'http://gw.test/otp/nsA/abcdef', delivered_via: '',
  };
  const check = (method: string, url: string, status: number, body: unknown): string | undefined =>
    openApiMismatch(method, url, status, 'application/json; charset=utf-8', JSON.stringify(body));

  it('passes a documented answer and refuses an OTP with a field the document does not have', () => {
    expect(check('POST', '/api/otp/abcdef/status', 200, { status: 'success', data: OTP })).toBeUndefined();
    expect(check('POST', '/api/otp/abcdef/status', 200, { status: 'success', data: { ...OTP, secret: 'x' } })).toMatch(/must NOT have additional properties/);
    expect(check('POST', '/api/otp/abcdef/status', 200, { status: 'success', data: { ...OTP, ttl: '300' } })).toMatch(/\/data\/ttl must be integer/);
  });

  it('refuses an error code the route does not document, an undocumented status, and a non-JSON answer', () => {
    expect(check('DELETE', '/api/otp/abcdef', 400, { status: 'error', code: 'not_found', message: 'The OTP does not exist or has expired.' })).toBeUndefined();
    expect(check('DELETE', '/api/otp/abcdef', 400, { status: 'error', code: 'incorrect_otp', message: 'Incorrect OTP.' })).toMatch(/does not match/);
    expect(check('GET', '/api/providers', 409, { status: 'error', code: 'address_already_set', message: 'x' })).toMatch(/does not list/);
    expect(openApiMismatch('GET', '/api/health', 200, 'text/html', '<p>OK</p>')).toMatch(/not application\/json/);
  });

  it('expects a path or method outside the document to answer 404 no_route', () => {
    expect(check('GET', '/api/nothing', 404, { status: 'error', code: 'no_route', message: 'There is no API route GET /api/nothing.' })).toBeUndefined();
    expect(check('POST', '/api/health', 200, { status: 'success', data: 'OK' })).toMatch(/is not in openapi\.json/);
  });
});
