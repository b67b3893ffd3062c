import { buildTestGateway, type TestGateway } from '../helpers/gateway';
import { startHttpPeer, type HttpPeer } from '../helpers/http-peer';
import { createOtp, logLines, storedOtp } from './api';

const ACCEPTED = { status: 202, body: { id: 'kaleyra-msg-1', status: 'OK' } };

function kaleyraTables(endpoint: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const shared = { enabled: true, sid: 'HXAP16XXXX', api_key: 'Ac4XXXX21f', sender: 'ACMEIN', default_phone_code: '+91', endpoint, timeout: '10s', ...extra };
  return {
    kaleyra_sms: { ...shared, sms_entity_id: '1101XXXX', sms_template_id: '1107XXXX' },
    kaleyra_whatsapp: { ...shared, template_name: 'otp_auth' },
  };
}

describe('the Kaleyra providers, against a local stand-in for api.kaleyra.io', () => {
  let peer: HttpPeer;
  let gw: TestGateway;
  beforeAll(async () => {
    peer = await startHttpPeer(ACCEPTED);
    gw = await buildTestGateway({ store: 'memory', config: { providers: kaleyraTables(peer.url) } });
  });
  afterAll(async () => {
    await gw.close();
    await peer.close();
  });
  beforeEach(() => {
    peer.requests.length = 0;
    peer.reply(ACCEPTED);
  });

  it('sends an SMS as a form POST to /v1/{sid}/messages with the api-key header and the DLT ids', async () => {
    const res = await createOtp(gw, 'kal-sms-1', { provider: 'kaleyra_sms', to: '98765 43210' });
    expect(res.status).toBe(200);
    const code = res.body.data?.otp as string;
    const [req] = await peer.waitForRequests(1);
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe('/v1/HXAP16XXXX/messages');
    expect(req?.headers['api-key']).toBe('Ac4XXXX21f');
    expect(req?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = Object.fromEntries(new URLSearchParams(req?.text));
    expect(form).toEqual({
      to: '+919876543210',
      type: 'OTP',
      sender: 'ACMEIN',
      entity_id: '1101XXXX',
      template_id: '1107XXXX',
      body: `${code} is your nsA verification code. Valid for 5 min.`,
    });
    expect(form.body?.length).toBeLessThan(160);
  });

  it('sends WhatsApp as an authentication template carrying only the code', async () => {
    const res = await createOtp(gw, 'kal-wa-1', { provider: 'kaleyra_whatsapp', to: '+91 98765-43210' });
    expect(res.status).toBe(200);
    const [req] = await peer.waitForRequests(1);
    expect(req?.path).toBe('/v1/HXAP16XXXX/messages');
    expect(req?.headers['api-key']).toBe('Ac4XXXX21f');
    expect(Object.fromEntries(new URLSearchParams(req?.text))).toEqual({
      to: '+919876543210',
      type: 'authenticationtemplate',
      channel: 'whatsapp',
      from: 'ACMEIN',
      template_name: 'otp_auth',
      verification_code: res.body.data?.otp,
    });
  });

  it.each([
    ['98765 43210', '+919876543210'],
    ['098765-43210', '+919876543210'],
    ['+1 (415) 555-2671', '+14155552671'],
    ['0044 7911 123456', '+447911123456'],
  ])('stores, returns and sends %j as %s', async (typed, e164) => {
    const id = `kal-norm-${e164.slice(1)}`;
    const res = await createOtp(gw, id, { provider: 'kaleyra_sms', to: typed });
    expect(res.status).toBe(200);
    expect(res.body.data?.to).toBe(e164);
    expect((await storedOtp(gw, id)).to).toBe(e164);
    const [req] = await peer.waitForRequests(1);
    expect(new URLSearchParams(req?.text).get('to')).toBe(e164);
  });

  it.each([
    ['call me maybe', 'a mobile number may only contain digits'],
    ['12', 'too short'],
    ['+999 1234 5678', 'country code does not exist'],
    ['+91 98765 43210 12345', 'too long'],
  ])('answers 400 for %j and says why, without calling Kaleyra', async (typed, why) => {
    const res = await createOtp(gw, 'kal-junk-1', { provider: 'kaleyra_sms', to: typed });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^Invalid `to` address: /);
    expect(res.body.message).toContain(why);
    expect(peer.requests).toHaveLength(0);
  });

  it.each(['kaleyra_sms', 'kaleyra_whatsapp'])('%s: an error answer is a 502 whose reason is logged, not returned', async (provider) => {
    peer.reply({ status: 400, body: { code: 'E413', message: 'upstream-secret-detail: invalid sender' } });
    const res = await createOtp(gw, `kal-err-${provider.length}`, { provider, to: '+919876543210' });
    expect(res.status).toBe(502);
    expect(res.body).toEqual({ status: 'error', code: 'delivery_failed', message: expect.stringMatching(/^Error sending OTP: the provider \w+ did not accept the message\./) });
    expect(res.text).not.toContain('upstream-secret-detail');
    const failure = logLines(gw, 'delivery failed').find((l) => l.provider === provider && String(l.err).includes('upstream-secret-detail'));
    expect(failure?.err).toContain('HTTP 400');
  });

  it('answers 502 when Kaleyra does not answer within a 1s timeout', async () => {
    peer.reply({ hang: true });
    const quick = await buildTestGateway({ store: 'memory', config: { providers: kaleyraTables(peer.url, { timeout: '1s' }) } });
    try {
      const res = await createOtp(quick, 'kal-hang-1', { provider: 'kaleyra_sms', to: '+919876543210' });
      expect(res.status).toBe(502);
      expect(peer.requests).toHaveLength(1);
      expect(logLines(quick, 'delivery failed').some((l) => String(l.err).includes('no answer within 1000 ms'))).toBe(true);
    } finally {
      await quick.close();
    }
  });
});

describe('Kaleyra connection pooling', () => {
  it('never opens more than max_conns connections, however many sends are in flight', async () => {
    const peer = await startHttpPeer({ ...ACCEPTED, delayMs: 100 });
    const gw = await buildTestGateway({ store: 'memory', config: { providers: kaleyraTables(peer.url, { max_conns: 2 }) } });
    try {
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, i) => createOtp(gw, `kal-pool-${i}`, { provider: 'kaleyra_sms', to: '+919876543210' })),
      );
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(peer.requests).toHaveLength(6);
      expect(peer.connections).toBeLessThanOrEqual(2);
      // The pool is used, not bypassed: connections were shared by several requests.
      expect(new Set(peer.requests.map((r) => r.connection)).size).toBeLessThanOrEqual(2);
    } finally {
      await gw.close();
      await peer.close();
    }
  });
});
