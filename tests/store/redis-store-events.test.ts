import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { basic, buildTestGateway, TENANTS, type TestGateway } from '../helpers/gateway';
import { connectAdmin, type AdminClient } from './redis-admin';

/** The fields of the public OTP object (api.md), without `otp`. */
const OTP_OBJECT_FIELDS = [
  'address_description', 'attempts', 'channel_description', 'closed', 'delivered_via', 'extra', 'generate', 'id',
  'max_attempts', 'max_generate', 'namespace', 'provider', 'to', 'ttl', 'url',
];

interface Event {
  type: string;
  namespace: string;
  id: string;
  data: Record<string, unknown> | null;
}

describe('the Redis store behind the gateway', () => {
  let admin: AdminClient;
  beforeAll(async () => {
    admin = await connectAdmin();
  });
  afterAll(() => admin.close());

  describe('with publish_key set', () => {
    const channel = `otp-events-${randomUUID()}`;
    let gw: TestGateway;
    let subscriber: AdminClient;
    const raw: string[] = [];
    const events = (): Event[] => raw.map((m) => JSON.parse(m) as Event);

    beforeAll(async () => {
      gw = await buildTestGateway({ store: 'redis', config: { store: { redis: { publish_key: channel } } } });
      subscriber = admin.duplicate();
      await subscriber.connect();
      await subscriber.subscribe(channel, (message) => raw.push(message));
    });
    afterAll(async () => {
      await subscriber.close();
      await gw.close();
    });
    beforeEach(() => {
      raw.length = 0;
    });

    /** Wait until `count` events arrived (pub/sub is asynchronous), failing after a few seconds. */
    async function eventsAfter(count: number): Promise<Event[]> {
      for (let waited = 0; raw.length < count && waited < 5000; waited += 10) await new Promise((r) => setTimeout(r, 10));
      return events();
    }

    it('publishes a check event on every attempt and a close event on success, never with the code', async () => {
      const code = 'Sesame-Opens';
      const auth = basic(TENANTS.a);
      await request(gw.app).put('/api/otp/events-user').set('Authorization', auth)
        .send({ provider: 'log', to: 'john@example.com', otp: code, max_attempts: 3 }).expect(200);
      await request(gw.app).post('/api/otp/events-user').set('Authorization', auth).send({ otp: 'wrong-one' }).expect(400);
      await request(gw.app).post('/api/otp/events-user').set('Authorization', auth).send({ otp: 'wrong-two' }).expect(400);
      await request(gw.app).post('/api/otp/events-user').set('Authorization', auth).send({ otp: code }).expect(200);

      const received = await eventsAfter(4);
      expect(received.map((e) => [e.type, e.namespace, e.id])).toEqual([
        ['check', 'nsA', 'events-user'],
        ['check', 'nsA', 'events-user'],
        ['check', 'nsA', 'events-user'],
        ['close', 'nsA', 'events-user'],
      ]);
      const checks = received.slice(0, 3).map((e) => e.data ?? {});
      for (const data of checks) expect(Object.keys(data).sort()).toEqual(OTP_OBJECT_FIELDS);
      expect(checks.map((d) => [d.attempts, d.closed])).toEqual([[1, false], [2, false], [3, true]]);
      expect(checks[0]).toMatchObject({ to: 'john@example.com', max_attempts: 3, provider: 'log' });
      expect(received[3]?.data).toBeNull();
      for (const message of raw) expect(message).not.toContain(code);
    });

    it('publishes a check event for an attempt refused because none are left, and no close event', async () => {
      const auth = basic(TENANTS.b);
      const created = await request(gw.app).put('/api/otp/events-locked').set('Authorization', auth)
        .send({ provider: 'log', to: 'jane@example.com', max_attempts: 1 }).expect(200);
      await request(gw.app).post('/api/otp/events-locked').set('Authorization', auth).send({ otp: 'nope' }).expect(400);
      await request(gw.app).post('/api/otp/events-locked').set('Authorization', auth).send({ otp: created.body.data.otp }).expect(429);

      // A later attempt on another id is a sentinel: a stray close event would arrive before it.
      await request(gw.app).put('/api/otp/events-sentinel').set('Authorization', auth).send({ provider: 'log' }).expect(200);
      await request(gw.app).post('/api/otp/events-sentinel').set('Authorization', auth).send({ otp: 'nope' }).expect(400);

      const received = await eventsAfter(3);
      expect(received.map((e) => [e.type, e.id, e.data?.attempts])).toEqual([
        ['check', 'events-locked', 1],
        ['check', 'events-locked', 1],
        ['check', 'events-sentinel', 1],
      ]);
      for (const message of raw) expect(message).not.toContain(created.body.data.otp);
    });
  });

  describe('with app.secret_key set', () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await buildTestGateway({ store: 'redis', config: { app: { secret_key: 'a-test-secret-key-of-forty-characters!!' } } });
    });
    afterAll(() => gw.close());

    it.each([
      ['a random code', {}],
      ['a caller-chosen code', { otp: 'Penny-0.17-Drop' }],
    ])('keeps neither %s nor the address in plain text in Redis, and still verifies it', async (_name, body) => {
      const id = `sealed-${randomUUID()}`;
      const auth = basic(TENANTS.a);
      const created = await request(gw.app).put(`/api/otp/${id}`).set('Authorization', auth)
        .send({ provider: 'log', to: 'private.person@example.com', ...body }).expect(200);
      const code = created.body.data.otp as string;

      const hash = await admin.hGetAll(`${gw.keyPrefix}:{nsA:${id}}`);
      const values = Object.values(hash);
      expect(values.length).toBeGreaterThan(5);
      for (const value of values) {
        expect(value).not.toContain(code);
        expect(value).not.toContain('private.person');
      }

      const verified = await request(gw.app).post(`/api/otp/${id}`).set('Authorization', auth).send({ otp: code }).expect(200);
      expect(verified.body.data).toMatchObject({ closed: true, to: 'private.person@example.com' });
    });
  });
});
