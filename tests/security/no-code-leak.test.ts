import request from 'supertest';
import { connectAdmin, type AdminClient } from '../store/redis-admin';
import { basic, buildTestGateway, TENANTS, type TestGateway } from '../helpers/gateway';
import { startHttpPeer, type HttpPeer } from '../helpers/http-peer';

// Many sequential requests: generous on a loaded machine (a hang still fails).
jest.setTimeout(90_000);

/**
 * The code may appear in exactly two places: the response to the PUT that
 * created it, and the provider payload. This runs every lifecycle step, with
 * a webhook provider and store events on, and looks for the codes everywhere else.
 */

const CHANNEL = `otp-events-${process.pid}`;

/** The code as a whole token: digits or letters around it would make it another value. */
function containsCode(text: string, code: string): boolean {
  const escaped = code.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![0-9A-Za-z])${escaped}(?![0-9A-Za-z])`).test(text);
}

describe('the code never leaks', () => {
  let peer: HttpPeer;
  let gw: TestGateway;
  let admin: AdminClient;
  let subscriber: AdminClient;
  const events: string[] = [];
  /** Every response body except the creates' (which carry the code by contract). */
  const bodies: string[] = [];
  const codes: string[] = [];

  const api = (method: 'put' | 'post' | 'delete', path: string, body?: string): Promise<request.Response> => {
    const req = request(gw.app)[method](`/api${path}`).set('Authorization', basic(TENANTS.a));
    return (body === undefined ? req : req.type('form').send(body)).then((res) => {
      if (!(method === 'put' && res.status === 200)) bodies.push(res.text);
      return res;
    });
  };
  const page = (method: 'get' | 'post', path: string, body?: string): Promise<request.Response> => {
    const req = request(gw.app)[method](path);
    return (body === undefined ? req : req.type('form').send(body)).then((res) => {
      bodies.push(res.text);
      return res;
    });
  };
  /** The code of the last webhook delivery. */
  const lastSent = (): string => (JSON.parse(peer.requests.at(-1)?.text ?? '{}') as { otp: { otp: string } }).otp.otp;

  beforeAll(async () => {
    peer = await startHttpPeer();
    admin = await connectAdmin();
    subscriber = admin.duplicate();
    await subscriber.connect();
    await subscriber.subscribe(CHANNEL, (message) => void events.push(message));
    gw = await buildTestGateway({
      store: 'redis',
      config: {
        app: { secret_key: 'no-leak-test-secret-key-0123456789abcdef' },
        store: { redis: { publish_key: CHANNEL } },
        providers: { log: { enabled: false } },
        webhooks: { phone: { enabled: true, url: `${peer.url}/hook`, max_address_len: 20, signing_secret: 's3cret' } },
      },
    });
  });
  afterAll(async () => {
    await gw.close();
    await subscriber.close();
    await admin.close();
    await peer.close();
  });

  it('appears only in the create response and the provider payload, never in a log line, a store event or another response', async () => {
    // 1. API create with an address; wrong then right guess through the API.
    const created = await api('put', '/otp/leak-000001', 'provider=phone&to=%2B15550001111');
    expect(created.status).toBe(200);
    codes.push(created.body.data.otp as string);
    expect(lastSent()).toBe(codes[0]);
    expect((await api('post', '/otp/leak-000001', 'otp=999999x')).status).toBe(400);
    expect((await api('post', '/otp/leak-000001', `otp=${codes[0]}&skip_delete=true`)).status).toBe(200);
    expect((await api('post', '/otp/leak-000001/status')).status).toBe(200);
    expect((await api('delete', '/otp/leak-000001/status')).status).toBe(200);

    // 2. Created without an address: the address page sends it; resend, wrong and right guesses on the page.
    expect((await api('put', '/otp/leak-000002', 'provider=phone')).status).toBe(200);
    expect((await page('get', '/otp/nsA/leak-000002/address')).status).toBe(200);
    expect((await page('post', '/otp/nsA/leak-000002/address', 'to=%2B15550002222')).status).toBe(302);
    codes.push(lastSent());
    expect((await page('get', '/otp/nsA/leak-000002')).status).toBe(200);
    expect((await page('post', '/otp/nsA/leak-000002', 'action=resend')).status).toBe(200);
    expect(lastSent()).toBe(codes[1]);
    expect((await page('post', '/otp/nsA/leak-000002', 'action=check&otp=999999x')).status).toBe(400);
    expect((await page('get', '/otp/nsA/leak-000002/status')).status).toBe(200);
    expect((await page('post', '/otp/nsA/leak-000002', `action=check&otp=${codes[1]}`)).status).toBe(200);
    expect((await page('get', '/otp/nsA/leak-000002/status')).text).toContain('"closed":true');

    // 3. The e-mail link fills the code in on the page (its own response shows it, by design) but logs nothing of it.
    const linked = await api('put', '/otp/leak-000003', 'provider=phone&to=%2B15550003333');
    codes.push(linked.body.data.otp as string);
    const link = await request(gw.app).get(`/otp/nsA/leak-000003?action=check&otp=${codes[2]}`);
    expect(link.status).toBe(200);
    expect((await api('delete', '/otp/leak-000003')).status).toBe(200);

    // 4. A caller-chosen code, and a receiver that fails and echoes the whole payload in its error.
    peer.reply((req) => ({ status: 500, body: `cannot deliver code ${(JSON.parse(req.text) as { otp: { otp: string } }).otp.otp}: ${req.text}` }));
    const failed = await api('put', '/otp/leak-000004', 'provider=phone&to=%2B15550004444&otp=PENNY-4711');
    expect(failed.status).toBe(502);
    expect(peer.requests.at(-1)?.text).toContain('PENNY-4711');
    codes.push('PENNY-4711');
    peer.reply({});

    await new Promise((r) => setTimeout(r, 100)); // let the last published events arrive
    expect(events.length).toBeGreaterThanOrEqual(4);
    expect(gw.logs.length).toBeGreaterThan(0);
    expect(codes).toHaveLength(4);
    const logs = gw.logs.join('');
    for (const code of codes) {
      expect({ code, inLogs: containsCode(logs, code) }).toEqual({ code, inLogs: false });
      expect({ code, inEvents: containsCode(events.join('\n'), code) }).toEqual({ code, inEvents: false });
      expect({ code, inResponses: bodies.some((b) => containsCode(b, code)) }).toEqual({ code, inResponses: false });
    }
    // The failed delivery is still explained in the log, with the code cut out.
    expect(logs).toMatch(/delivery failed/);
  });
});
