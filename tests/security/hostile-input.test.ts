import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { basic, buildTestGateway, TENANTS, type TestGateway } from '../helpers/gateway';

// Many sequential requests: generous on a loaded machine (a hang still fails).
jest.setTimeout(90_000);

/**
 * Named hostile requests and the exact 4xx each must get (the fuzz test covers
 * the space around them). Sent over a real socket so that a connection reset
 * fails the test instead of being hidden by a client library.
 */

interface Answer {
  status: number;
  type: string;
  body: string;
}

const AUTH = basic(TENANTS.a);
const JSON_TYPE = 'application/json';
const FORM = 'application/x-www-form-urlencoded';

describe('hostile input', () => {
  let gw: TestGateway;
  let server: http.Server;
  let port: number;
  beforeAll(async () => {
    gw = await buildTestGateway({ store: 'memory' });
    server = http.createServer(gw.app).listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await gw.close();
  });

  const send = (method: string, path: string, headers: Record<string, string>, body?: string | Buffer): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method, path, headers: { ...headers, ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: Buffer.concat(chunks).toString() }));
      });
      req.on('error', reject);
      req.end(body);
    });

  /** An /api answer: this status, the JSON envelope, and a sentence matching `says`. */
  const expectApi = (answer: Answer, status: number, says: RegExp): void => {
    expect({ status: answer.status, type: answer.type }).toEqual({ status, type: 'application/json; charset=utf-8' });
    const body = JSON.parse(answer.body) as { status: string; message: string };
    expect(body.status).toBe('error');
    expect(body.message).toMatch(says);
  };

  it('answers 413 with the envelope to a 5 MB body, not a connection reset', async () => {
    const huge = `{"provider":"log","to":"${'x'.repeat(5 * 1024 * 1024)}"}`;
    expectApi(await send('PUT', '/api/otp/huge-000001', { authorization: AUTH, 'content-type': JSON_TYPE }, huge), 413, /at most 64 KiB/);
    expectApi(await send('PUT', '/api/otp/huge-000001', { authorization: AUTH, 'content-type': FORM }, `provider=log&to=${'x'.repeat(70_000)}`), 413, /at most 64 KiB/);
  });

  it('applies the 64 KiB limit after decompression: a gzip bomb of 10 MB in about 10 KB answers 413', async () => {
    const bomb = gzipSync(Buffer.from(`{"provider":"log","to":"${' '.repeat(10 * 1024 * 1024)}"}`));
    expect(bomb.length).toBeLessThan(64 * 1024);
    expectApi(await send('PUT', '/api/otp/bomb-000001', { authorization: AUTH, 'content-type': JSON_TYPE, 'content-encoding': 'gzip' }, bomb), 413, /at most 64 KiB/);
  });

  it('answers 400 with a sentence to malformed JSON, deep nesting, wrong types and repeated fields', async () => {
    const put = (body: string, type = JSON_TYPE): Promise<Answer> => send('PUT', '/api/otp/bad-0000001', { authorization: AUTH, 'content-type': type }, body);
    expectApi(await put('{"provider":'), 400, /not valid JSON/);
    expectApi(await put(`{"provider":"log","extra":${'['.repeat(20_000)}${']'.repeat(20_000)}}`), 400, /nests deeper than/);
    expectApi(await put('{"provider":"log","to":{"a":1}}'), 400, /`to`/);
    expectApi(await put('{"provider":"log","ttl":1e400}'), 400, /`ttl`/);
    expectApi(await put('["provider","log"]'), 400, /JSON object/);
    expectApi(await put('provider=log&provider=log', FORM), 400, /`provider`.*once/);
    expectApi(await put(`provider=log&channel_description=${'d'.repeat(2001)}`, FORM), 400, /at most 2000/);
    expectApi(await put(`provider=log&to=${'a'.repeat(1001)}`, FORM), 400, /at most 1000/);
    expectApi(await put(`provider=log&otp=${'1'.repeat(65)}`, FORM), 400, /`otp`/);
    expectApi(await put('provider=log&extra=%7Bnot-json', FORM), 400, /Invalid JSON in `extra`/);
  });

  it('answers 4xx with a sentence to wrong content types, charsets and encodings', async () => {
    const put = (type: string, extra: Record<string, string> = {}): Promise<Answer> =>
      send('PUT', '/api/otp/type-0000001', { authorization: AUTH, 'content-type': type, ...extra }, 'provider=log');
    expectApi(await put('text/plain'), 415, /as JSON .* or as form fields/);
    expectApi(await put('multipart/form-data; boundary=x'), 415, /as JSON .* or as form fields/);
    expectApi(await put('application/json; charset=latin1'), 415, /charset/);
    expectApi(await put(JSON_TYPE, { 'content-encoding': 'compress' }), 415, /content encoding/);
    expectApi(await put(JSON_TYPE, { 'content-encoding': 'gzip' }), 400, /could not be read/);
  });

  it('answers 400 to broken percent-encoding and out-of-range ids in the path, on the API and the pages', async () => {
    expectApi(await send('PUT', '/api/otp/abc%zzdef', { authorization: AUTH }), 400, /percent-encoding/);
    expectApi(await send('PUT', '/api/otp/%C0%80abcdef', { authorization: AUTH }), 400, /percent-encoding/);
    const valid = { authorization: AUTH, 'content-type': FORM };
    expectApi(await send('PUT', `/api/otp/${'a'.repeat(129)}`, valid, 'provider=log'), 400, /6 to 128 characters/);
    expectApi(await send('PUT', '/api/otp/abc', valid, 'provider=log'), 400, /6 to 128 characters/);
    expectApi(await send('PUT', '/api/otp/abc%20defgh', valid, 'provider=log'), 400, /6 to 128 characters/);
    for (const path of ['/otp/nsA/%zz', '/otp/%E0%A4%A/abcdefgh', '/otp/nsA/abcdefgh/%C0%80']) {
      const page = await send('GET', path, {});
      expect(page.status).toBeGreaterThanOrEqual(400);
      expect(page.status).toBeLessThan(500);
    }
    const html = await send('GET', '/otp/nsA/%zz', {});
    expect(html.type).toMatch(/^text\/html/);
    expect(html.body).not.toMatch(/URIError|at .*\(.*:\d+:\d+\)/);
  });

  it('answers 4xx, never 5xx, to broken percent-encoding, floods of fields and huge bodies in page forms', async () => {
    await send('PUT', '/api/otp/form-0000001', { authorization: AUTH, 'content-type': FORM }, 'provider=log&to=someone&max_attempts=100');
    const post = (body: string, path = '/otp/nsA/form-0000001'): Promise<Answer> => send('POST', path, { 'content-type': FORM }, body);
    expect((await post('action=check&otp=%zz')).status).toBe(400);
    expect((await post('action=%E0%A4%A&otp=1')).status).toBe(400);
    expect((await post(Array.from({ length: 500 }, (_, i) => `f${i}=1`).join('&'))).status).toBe(413);
    expect((await post(`to=${'x'.repeat(5 * 1024 * 1024)}`, '/otp/nsA/form-0000001/address')).status).toBe(413);
    expect((await post(`action=check&otp=${'9'.repeat(65)}`)).status).toBe(400);
    // The record is untouched by all that: a right guess still works.
    expect((await send('GET', '/otp/nsA/form-0000001', {})).status).toBe(200);
  });
});
