import { startHttpPeer, type HttpPeer } from '../helpers/http-peer';
import { create, readOutbox, startOutboxGateway, type ListeningGateway } from './outbox-helpers';

/**
 * The outbox as a route member (outbox.md, routing.md): a staging route whose
 * real SMS upstream is down still delivers, into the outbox, with no special case.
 */
describe('the outbox as the fallback member of a route', () => {
  let down: HttpPeer;
  let gw: ListeningGateway;
  beforeAll(async () => {
    down = await startHttpPeer({ status: 500, body: 'upstream down' });
    gw = await startOutboxGateway('memory', {
      providers: { outbox: { address: 'phone' } },
      webhooks: { sms_vendor: { enabled: true, url: `${down.url}/send`, address: 'phone' } },
      routes: { sms: { providers: ['sms_vendor', 'outbox'], timeout: '10s' } },
    });
  });
  afterAll(async () => {
    await gw.close();
    await down.close();
  });

  it('takes the message when the first member fails, and the OTP says it was delivered via the outbox', async () => {
    const res = await create(gw.url, 'route-outbox-1', { provider: 'sms', to: '+14155552671' });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ provider: 'sms', delivered_via: 'outbox', to: '+14155552671' });
    expect(down.requests).toHaveLength(1);
    const { data } = await readOutbox(gw.url, 'id=route-outbox-1');
    expect(data).toHaveLength(1);
    expect(data[0]).toMatchObject({ id: 'route-outbox-1', to: '+14155552671' });
    expect(data[0]?.otp).toMatch(/^\d{6}$/);
    expect(data[0]?.body).toContain(data[0]?.otp);
  });
});
