import request from 'supertest';
import { basic, buildTestGateway, TENANTS, type TestGateway } from '../helpers/gateway';

// Many sequential requests: generous on a loaded machine (a hang still fails).
jest.setTimeout(90_000);

/** Headers every answer of every surface carries. */
function expectCommon(res: request.Response): void {
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['x-powered-by']).toBeUndefined();
  expect(res.headers['referrer-policy']).toBe('no-referrer');
}

/** The CSP of a response as a map of directive → value. */
function csp(res: request.Response): Map<string, string> {
  const header = String(res.headers['content-security-policy'] ?? '');
  return new Map(header.split(';').map((d) => d.trim()).filter(Boolean).map((d) => [d.split(/\s+/)[0] ?? '', d.split(/\s+/).slice(1).join(' ')]));
}

describe('security headers', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await buildTestGateway({ store: 'memory', config: { auth: { C: { namespace: 'nsC', secret: 'secret-of-tenant-C', allowed_origins: ['https://shop.example'] } } } });
  });
  afterAll(() => gw.close());

  const create = (id: string, fields = 'provider=log&to=someone'): Promise<request.Response> =>
    request(gw.app).put(`/api/otp/${id}`).set('Authorization', basic(TENANTS.a)).type('form').send(fields);

  it('on /api: nosniff, no-referrer, no-store, a CSP that allows nothing, no framing, on success and error alike', async () => {
    const answers = [
      await request(gw.app).get('/api/health'),
      await create('hdr-000001'),
      await request(gw.app).post('/api/otp/hdr-000001').set('Authorization', basic(TENANTS.a)).type('json').send('{"otp":'),
      await request(gw.app).get('/api/providers'),
      await request(gw.app).get('/api/nothing-here').set('Authorization', basic(TENANTS.a)),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 200, 400, 401, 404]);
    for (const res of answers) {
      expectCommon(res);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(csp(res).get('default-src')).toBe("'none'");
      expect(csp(res).get('frame-ancestors')).toBe("'none'");
      expect(res.headers['x-frame-options']).toBe('DENY');
    }
  });

  it('on pages: no-store, a CSP without inline script, no X-Frame-Options, and frame-ancestors per namespace', async () => {
    await create('hdr-000002');
    const pages = [
      await request(gw.app).get('/otp/nsA/hdr-000002'),
      await request(gw.app).post('/otp/nsA/hdr-000002').type('form').send('action=check&otp=000000x'),
      await request(gw.app).get('/otp/nsA/no-such-otp'),
      await request(gw.app).get('/otp/nsA/hdr-000002?view=popup'),
    ];
    expect(pages.map((r) => r.status)).toEqual([200, 400, 404, 200]);
    for (const res of pages) {
      expectCommon(res);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-frame-options']).toBeUndefined();
      const policy = csp(res);
      expect(policy.get('script-src')).toBe("'self'");
      expect(policy.get('default-src')).toBe("'none'");
      expect(res.headers['content-security-policy']).not.toMatch(/unsafe-inline|unsafe-eval/);
      // Compat: a namespace without allowed_origins can be framed by any host page.
      expect(policy.get('frame-ancestors')).toBe('*');
    }
    const restricted = await request(gw.app).get('/otp/nsC/whatever-1');
    expect(csp(restricted).get('frame-ancestors')).toBe('https://shop.example');
    const poll = await request(gw.app).get('/otp/nsA/hdr-000002/status');
    expectCommon(poll);
    expect(poll.headers['cache-control']).toBe('no-store');
  });

  it('serves pages whose scripts are all files: no inline script, no inline event handler', async () => {
    await create('hdr-000003', 'provider=log');
    const bodies = [
      (await request(gw.app).get('/otp/nsA/hdr-000002')).text,
      (await request(gw.app).get('/otp/nsA/hdr-000003/address')).text,
      (await request(gw.app).get('/otp/nsA/no-such-otp')).text,
    ];
    for (const html of bodies) {
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
      expect(scripts.length).toBeGreaterThan(0);
      for (const [, attributes, content] of scripts) {
        expect(attributes).toMatch(/\bsrc=/);
        expect(content?.trim()).toBe('');
      }
      expect(html).not.toMatch(/\son[a-z]+\s*=/i);
      expect(html).not.toMatch(/javascript:/i);
    }
  });

  it('on static assets: nosniff and cross-origin readable (host pages load otp.js and otp.css)', async () => {
    for (const file of ['otp.js', 'otp.css', 'page.js']) {
      const res = await request(gw.app).get(`/static/${file}`);
      expect(res.status).toBe(200);
      expectCommon(res);
      expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    }
  });

  it('on unknown routes: the 404 page of the web surface, with its headers', async () => {
    const res = await request(gw.app).get('/nothing/here');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('Page not found');
    expect(res.headers['cache-control']).toBe('no-store');
    expectCommon(res);
  });

  it('on every path spelling: the headers of the surface that served it (only /api, exactly, is the API)', async () => {
    const web = [await request(gw.app).get('/API/health'), await request(gw.app).post('/Api/Otp/abcdefg/status').set('Authorization', basic(TENANTS.a)), await request(gw.app).get('/%61pi/health')];
    for (const res of web) {
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(csp(res).get('script-src')).toBe("'self'");
      expect(res.headers['cache-control']).toBe('no-store');
      expectCommon(res);
    }
    // Express matches /static and the pages case-insensitively: they answer with their own headers.
    const asset = await request(gw.app).get('/STATIC/otp.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expectCommon(asset);
    const page = await request(gw.app).get('/OTP/nsA/abcdefg');
    expect(csp(page).get('frame-ancestors')).toBe('*');
    expect(page.headers['cache-control']).toBe('no-store');
  });
});

describe('security headers of /metrics', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await buildTestGateway({ store: 'memory', config: { metrics: { enabled: true, username: 'prom', password: 'scrape-secret' } } });
  });
  afterAll(() => gw.close());

  it('are the API set (nosniff, no framing, no caching, a CSP that allows nothing), on success and refusal alike', async () => {
    const answers = [await request(gw.app).get('/metrics').auth('prom', 'scrape-secret'), await request(gw.app).get('/metrics')];
    expect(answers.map((r) => r.status)).toEqual([200, 401]);
    for (const res of answers) {
      expectCommon(res);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(csp(res).get('default-src')).toBe("'none'");
      expect(res.headers['x-frame-options']).toBe('DENY');
    }
  });
});
