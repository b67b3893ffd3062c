import request from 'supertest';
import { basic, buildTestGateway, TENANTS, type TestGateway } from '../helpers/gateway';
import { startHttpPeer, type HttpPeer } from '../helpers/http-peer';
import { startSmtpPeer, type SmtpPeer } from '../helpers/smtp-peer';

/**
 * The review's attack on the per-address send limit: respelling the address
 * (case, a +tag, the separators of a phone number) must not buy a fresh budget,
 * while each message still goes to the address exactly as it was stored.
 */
describe.each(['memory', 'redis'] as const)('the per-address send limit against respelt addresses, on the %s store', (store) => {
  let smtp: SmtpPeer;
  let hook: HttpPeer;
  let gw: TestGateway;
  beforeAll(async () => {
    smtp = await startSmtpPeer();
    hook = await startHttpPeer();
    gw = await buildTestGateway({
      store,
      config: {
        rate_limit: { sends_per_address: 1 },
        providers: { smtp: { enabled: true, host: '127.0.0.1', port: smtp.port, from_email: 'otp@acme.test' } },
        webhooks: { phone: { enabled: true, url: `${hook.url}/hook` } },
      },
    });
  });
  afterAll(async () => {
    await gw.close();
    await Promise.all([smtp.close(), hook.close()]);
  });

  const create = (id: string, provider: string, to: string): Promise<request.Response> =>
    request(gw.app).put(`/api/otp/${id}`).set('Authorization', basic(TENANTS.a)).type('form').send({ provider, to });

  it('counts every case and +tag spelling of an e-mail address as one address, and delivers to the address as given', async () => {
    expect((await create('mail-canon-0', 'smtp', 'Victim+news@Example.COM')).status).toBe(200);
    const [mail] = await smtp.waitForMessages(1);
    expect(mail?.to).toEqual(['Victim+news@example.com']);
    const spellings = ['victim@example.com', 'Victim@example.com', 'VICTIM@EXAMPLE.COM', 'victim+1@example.com', 'victim+2@example.com.'];
    for (const [i, to] of spellings.entries()) {
      const res = await create(`mail-canon-${i + 1}`, 'smtp', to);
      expect({ to, status: res.status, code: res.body.code }).toEqual({ to, status: 429, code: 'rate_limited' });
    }
    expect(smtp.messages).toHaveLength(1);
    // Another person at the same domain has a budget of their own.
    expect((await create('mail-canon-other', 'smtp', 'victim2@example.com')).status).toBe(200);
  });

  it('counts the spellings of one phone number on a webhook channel as one address, and posts the address as given', async () => {
    const before = hook.requests.length;
    expect((await create('hook-canon-0', 'phone', '98765 43210')).status).toBe(200);
    const sent = JSON.parse(hook.requests[before]?.text ?? '{}') as { otp?: { to?: string } };
    expect(sent.otp?.to).toBe('98765 43210');
    for (const [i, to] of ['98765-43210', '(98765)43210', '09876543210', '9876543210'].entries()) {
      const res = await create(`hook-canon-${i + 1}`, 'phone', to);
      expect({ to, status: res.status }).toEqual({ to, status: 429 });
    }
    expect(hook.requests.length - before).toBe(1);
  });
});
