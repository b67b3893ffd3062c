import request from 'supertest';
import { connectAdmin, keysUnder, type AdminClient } from '../store/redis-admin';
import { basic, buildTestGateway, TENANTS, type TestGateway } from '../helpers/gateway';
import { startHttpPeer, type HttpPeer } from '../helpers/http-peer';

// Many sequential requests: generous on a loaded machine (a hang still fails).
jest.setTimeout(90_000);

const SECRET_KEY = 'at-rest-test-secret-key-0123456789abcdef';
const PHONE_1 = '+15551230001';
const PHONE_2 = '+15551230002';

/** Everything the store holds under the gateway's prefix, keys and values, as one text. */
async function redisDump(admin: AdminClient, prefix: string): Promise<string> {
  const parts: string[] = [];
  for (const key of await keysUnder(admin, prefix)) {
    parts.push(key);
    const type = await admin.type(key);
    if (type === 'hash') parts.push(...Object.entries(await admin.hGetAll(key)).flat());
    else if (type === 'string') parts.push(String(await admin.get(key)));
    else parts.push(`<${type}>`);
  }
  return parts.join('\n');
}

/** A create with an address, and one whose address comes from the address page: the two ways a code is sent. */
async function workload(gw: TestGateway, peer: HttpPeer): Promise<{ codes: string[] }> {
  const first = await request(gw.app).put('/api/otp/rest-000001').set('Authorization', basic(TENANTS.a)).type('form').send(`provider=phone&to=${encodeURIComponent(PHONE_1)}`);
  expect(first.status).toBe(200);
  const second = await request(gw.app).put('/api/otp/rest-000002').set('Authorization', basic(TENANTS.a)).type('form').send('provider=phone');
  expect(second.status).toBe(200);
  const sent = peer.requests.length;
  const address = await request(gw.app).post('/otp/nsA/rest-000002/address').type('form').send(`to=${encodeURIComponent(PHONE_2)}`);
  expect(address.status).toBe(302);
  expect(peer.requests.length).toBe(sent + 1);
  return { codes: [first.body.data.otp as string, second.body.data.otp as string] };
}

async function verifyBoth(gw: TestGateway, codes: string[]): Promise<void> {
  const api = await request(gw.app).post('/api/otp/rest-000001').set('Authorization', basic(TENANTS.a)).type('form').send(`otp=${codes[0]}`);
  expect(api.status).toBe(200);
  expect(api.body.data.to).toBe(PHONE_1);
  const page = await request(gw.app).post('/otp/nsA/rest-000002').type('form').send(`action=check&otp=${codes[1]}`);
  expect(page.status).toBe(200);
  const status = await request(gw.app).post('/api/otp/rest-000002/status').set('Authorization', basic(TENANTS.a));
  expect(status.body.data).toMatchObject({ closed: true, to: PHONE_2 });
}

describe.each(['memory', 'redis'] as const)('secrets at rest on the %s store', (store) => {
  let peer: HttpPeer;
  let admin: AdminClient | undefined;
  beforeAll(async () => {
    peer = await startHttpPeer();
    if (store === 'redis') admin = await connectAdmin();
  });
  afterAll(async () => {
    await peer.close();
    await admin?.close();
  });

  const config = (secretKey: string) => ({
    app: { secret_key: secretKey },
    providers: { log: { enabled: false } },
    webhooks: { phone: { enabled: true, url: `${peer.url}/hook`, max_address_len: 20 } },
  });

  describe('with app.secret_key', () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await buildTestGateway({ store, config: config(SECRET_KEY) });
    });
    afterAll(() => gw.close());

    it('stores neither the codes nor the addresses in plain text, and still verifies both', async () => {
      const { codes } = await workload(gw, peer);
      // The provider payload is the one place the code is meant to go.
      expect(peer.requests.map((r) => r.text).join('\n')).toContain(codes[1]);
      for (const id of ['rest-000001', 'rest-000002']) {
        const record = await gw.store.get({ namespace: 'nsA', id });
        expect(record).not.toBeNull();
        const stored = JSON.stringify(record);
        for (const secret of [...codes, PHONE_1.slice(1), PHONE_2.slice(1)]) expect(stored).not.toContain(secret);
        expect(record?.to).toMatch(/^v1\./);
        expect(record?.code).toMatch(/^v1\./);
      }
      if (admin) {
        const dump = await redisDump(admin, gw.keyPrefix);
        expect(dump).toContain('rest-000001');
        for (const secret of [...codes, '5551230001', '5551230002']) expect(dump).not.toContain(secret);
      }
      await verifyBoth(gw, codes);
    });
  });

  describe('without app.secret_key (compat)', () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await buildTestGateway({ store, config: config('') });
    });
    afterAll(() => gw.close());

    it('works the same, storing the address as it is', async () => {
      const { codes } = await workload(gw, peer);
      const record = await gw.store.get({ namespace: 'nsA', id: 'rest-000001' });
      expect(record?.to).toBe(PHONE_1);
      await verifyBoth(gw, codes);
    });
  });
});
