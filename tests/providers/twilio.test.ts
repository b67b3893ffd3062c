import { buildTestGateway, type TestGateway } from '../helpers/gateway';
import { startHttpPeer, type HttpPeer } from '../helpers/http-peer';
import { createOtp, logLines, storedOtp } from './api';

const CREATED = { status: 201, body: { sid: 'SM0123', status: 'queued', error_code: null, error_message: null } };
const basicOf = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function twilioTable(endpoint: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { enabled: true, account_sid: 'AC0123456789', auth_token: 'twilio-token', from: '+15005550006', default_phone_code: '+1', endpoint, timeout: '10s', ...extra };
}

describe('twilio_sms, against a local stand-in for api.twilio.com', () => {
  let peer: HttpPeer;
  let gw: TestGateway;
  beforeAll(async () => {
    peer = await startHttpPeer(CREATED);
    gw = await buildTestGateway({ store: 'memory', config: { providers: { twilio_sms: twilioTable(peer.url) } } });
  });
  afterAll(async () => {
    await gw.close();
    await peer.close();
  });
  beforeEach(() => {
    peer.requests.length = 0;
    peer.reply(CREATED);
  });

  it('creates a Message: a form POST to /2010-04-01/Accounts/{sid}/Messages.json with Basic account_sid:auth_token', async () => {
    const res = await createOtp(gw, 'tw-send-1', { provider: 'twilio_sms', to: '(415) 555-2671' });
    expect(res.status).toBe(200);
    expect(res.body.data?.to).toBe('+14155552671');
    expect(res.body.data?.delivered_via).toBe('twilio_sms');
    const [req] = await peer.waitForRequests(1);
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe('/2010-04-01/Accounts/AC0123456789/Messages.json');
    expect(req?.headers.authorization).toBe(basicOf('AC0123456789', 'twilio-token'));
    expect(req?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(req?.text))).toEqual({
      To: '+14155552671',
      From: '+15005550006',
      Body: `${String(res.body.data?.otp)} is your nsA verification code. Valid for 5 min.`,
    });
    expect((await storedOtp(gw, 'tw-send-1')).delivered_via).toBe('twilio_sms');
  });

  it("logs Twilio's JSON error code and message on a 400 and answers 502 without them", async () => {
    peer.reply({ status: 400, body: { code: 21211, message: "upstream-secret: The 'To' number +14155552671 is not a valid phone number.", more_info: 'https://www.twilio.com/docs/errors/21211', status: 400 } });
    const res = await createOtp(gw, 'tw-err-1', { provider: 'twilio_sms', to: '+14155552671' });
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ status: 'error', code: 'delivery_failed' });
    expect(res.text).not.toContain('upstream-secret');
    const failure = logLines(gw, 'delivery failed').find((l) => l.provider === 'twilio_sms');
    expect(failure?.err).toMatch(/^twilio \(twilio_sms\) answered HTTP 400: error 21211: upstream-secret: The 'To' number/);
  });

  it('treats a created message that is already failed as a failed delivery', async () => {
    peer.reply({ status: 201, body: { sid: 'SM9', status: 'failed', error_code: 30007, error_message: 'Message filtered' } });
    const res = await createOtp(gw, 'tw-failed-1', { provider: 'twilio_sms', to: '+14155552671' });
    expect(res.status).toBe(502);
    expect(String(logLines(gw, 'delivery failed').at(-1)?.err)).toContain('SM9 failed (error 30007: Message filtered)');
  });

  it('answers 502 when Twilio does not answer within a 1s timeout', async () => {
    peer.reply({ hang: true });
    const quick = await buildTestGateway({ store: 'memory', config: { providers: { twilio_sms: twilioTable(peer.url, { timeout: '1s' }) } } });
    try {
      const res = await createOtp(quick, 'tw-hang-1', { provider: 'twilio_sms', to: '+14155552671' });
      expect(res.status).toBe(502);
      expect(peer.requests).toHaveLength(1);
      expect(String(logLines(quick, 'delivery failed')[0]?.err)).toContain('no answer within 1000 ms');
    } finally {
      await quick.close();
    }
  });
});

describe('twilio_sms options', () => {
  it('sends WhatsApp from a WhatsApp sender through a Content Template, with an API key and a Messaging Service', async () => {
    const peer = await startHttpPeer(CREATED);
    const gw = await buildTestGateway({
      store: 'memory',
      config: {
        providers: {
          twilio_sms: twilioTable(peer.url, {
            channel: 'whatsapp',
            auth_token: '',
            api_key_sid: 'SK0011',
            api_key_secret: 'key-secret',
            messaging_service_sid: 'MG0022',
            content_sid: 'HX0033',
          }),
        },
      },
    });
    try {
      const res = await createOtp(gw, 'tw-wa-1', { provider: 'twilio_sms', to: '+14155552671' });
      expect(res.status).toBe(200);
      const [req] = await peer.waitForRequests(1);
      expect(req?.path).toBe('/2010-04-01/Accounts/AC0123456789/Messages.json');
      expect(req?.headers.authorization).toBe(basicOf('SK0011', 'key-secret'));
      expect(Object.fromEntries(new URLSearchParams(req?.text))).toEqual({
        To: 'whatsapp:+14155552671',
        From: 'whatsapp:+15005550006',
        MessagingServiceSid: 'MG0022',
        ContentSid: 'HX0033',
        ContentVariables: JSON.stringify({ 1: res.body.data?.otp }),
      });
    } finally {
      await gw.close();
      await peer.close();
    }
  });

  it('refuses to start without a token or a sender, naming the key', async () => {
    await expect(buildTestGateway({ store: 'memory', config: { providers: { twilio_sms: twilioTable('http://127.0.0.1:9', { auth_token: '', from: '' }) } } })).rejects.toThrow(
      /providers\.twilio_sms\.auth_token: required when enabled = true/,
    );
    await expect(buildTestGateway({ store: 'memory', config: { providers: { twilio_sms: twilioTable('http://127.0.0.1:9', { from: '' }) } } })).rejects.toThrow(
      /providers\.twilio_sms\.from: required when enabled = true \(or messaging_service_sid\)/,
    );
  });
});
