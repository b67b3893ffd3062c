import { createHmac, timingSafeEqual } from 'node:crypto';
import { newId, useApi } from '../http/api-harness';
import { TENANTS, type RawConfig } from '../helpers/gateway';
import { startEventReceiver, type EventReceiver, type ReceivedEvent } from '../helpers/event-receiver';

/** The receiver's side of results.md "Event webhooks": check the signature as a receiver would. */
const SECRET = 'events-secret-of-tenant-A';

function signatureIsValid(event: ReceivedEvent, secret = SECRET): boolean {
  const header = String(event.headers['x-otpgateway-signature'] ?? '');
  const m = /^t=(\d+),sha256=([0-9a-f]{64})$/.exec(header);
  if (!m) return false;
  const expected = createHmac('sha256', secret).update(`${m[1]}.${event.raw}`).digest();
  return timingSafeEqual(expected, Buffer.from(m[2]!, 'hex')) && Math.abs(Date.now() / 1000 - Number(m[1])) < 60;
}

describe('event webhooks of a namespace', () => {
  let receiver: EventReceiver;
  const config: RawConfig = {};
  beforeAll(async () => {
    receiver = await startEventReceiver();
    config.auth = { A: { ...TENANTS.a, events_url: receiver.url, events_secret: SECRET } };
  });
  const api = useApi('memory', config);
  afterAll(() => receiver.close());
  beforeEach(() => {
    receiver.received.length = 0;
    receiver.answer = () => 200;
  });

  it('POSTs every event of one OTP, signed with events_secret, in order, without the code', async () => {
    const id = newId('events');
    const created = await api.as.a.put(`/api/otp/${id}`, { provider: 'log', to: 'jane@example.com' }).expect(200);
    const code = created.body.data.otp as string;
    await api.as.a.post(`/api/otp/${id}`, { otp: code === '000000' ? '111111' : '000000' }).expect(400);
    await api.as.a.post(`/api/otp/${id}`, { otp: code, skip_delete: true }).expect(200);
    await api.as.a.delete(`/api/otp/${id}`).expect(200);
    await receiver.waitFor(5);
    const mine = receiver.received.filter((r) => r.body.id === id);
    expect(mine.map((r) => r.body.type)).toEqual(['otp.created', 'otp.sent', 'otp.failed_attempt', 'otp.verified', 'otp.cancelled']);
    for (const event of mine) {
      expect(signatureIsValid(event)).toBe(true);
      expect(signatureIsValid(event, 'another-secret-entirely')).toBe(false);
      expect(event.headers['x-otpgateway-event']).toBe(event.body.type);
      expect(event.body).toMatchObject({ namespace: 'nsA', id });
      expect(new Date(event.body.at).toISOString()).toBe(event.body.at);
      expect(event.raw).not.toContain(code);
    }
    expect(new Set(mine.map((r) => r.headers['x-otpgateway-delivery'])).size).toBe(5);
    expect(mine[1]!.body.data).toMatchObject({ id, to: 'jane@example.com', provider: 'log' });
    expect(mine[3]!.body.data).toMatchObject({ closed: true });
  });

  it('sends nothing for a namespace without events_url', async () => {
    const id = newId('events');
    await api.as.b.put(`/api/otp/${id}`, { provider: 'log', to: 'b@example.com' }).expect(200);
    await api.gw.events.idle();
    expect(receiver.received.filter((r) => r.body.id === id)).toEqual([]);
  });

  it('retries an event answered 500, with the same delivery id and a fresh signature', async () => {
    receiver.answer = (n) => (n === 0 ? 500 : 200);
    const id = newId('events');
    await api.as.a.put(`/api/otp/${id}`, { to: '', provider: 'log' }).expect(200);
    await receiver.waitFor(2);
    await api.gw.events.idle();
    const [first, second] = receiver.received;
    expect(first!.body.type).toBe('otp.created');
    expect(second!.headers['x-otpgateway-delivery']).toBe(first!.headers['x-otpgateway-delivery']);
    expect(second!.raw).toBe(first!.raw);
    expect(signatureIsValid(second!)).toBe(true);
    expect(receiver.received).toHaveLength(2);
  });

  it('answers every API call while the events endpoint hangs (the calls never wait for it)', async () => {
    receiver.answer = () => 'hang';
    const ids = Array.from({ length: 40 }, () => newId('events-hang'));
    const statuses = await Promise.all(ids.map((id) => api.as.a.put(`/api/otp/${id}`, { provider: 'log', to: 'x@example.com' }).then((r) => r.status)));
    expect(statuses).toEqual(ids.map(() => 200));
    const verify = await api.as.a.post(`/api/otp/${ids[0]}`, { otp: 'wrong' });
    expect(verify.status).toBe(400);
    await receiver.waitFor(1);
  });
});
