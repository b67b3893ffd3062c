import { createHmac, timingSafeEqual } from 'node:crypto';
import { buildTestGateway, type TestGateway } from '../helpers/gateway';
import { startHttpPeer, type HttpPeer, type RecordedRequest } from '../helpers/http-peer';
import { createOtp, logLines, logText } from './api';

const SECRET = 'whsec-0123456789abcdef';

/** What a receiver does (README): HMAC-SHA256 of the raw body bytes, compared in constant time. */
function signatureValid(req: RecordedRequest, secret: string): boolean {
  const header = String(req.headers['x-otpgateway-signature'] ?? '');
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(req.body).digest('hex')}`);
  const received = Buffer.from(header);
  return received.length === expected.length && timingSafeEqual(received, expected);
}

describe('webhook providers, against a local receiver', () => {
  let receiver: HttpPeer;
  let gw: TestGateway;
  beforeAll(async () => {
    receiver = await startHttpPeer({ status: 200, body: 'ok' });
    const base = { enabled: true, url: `${receiver.url}/hooks/otp`, timeout: '10s', max_address_len: 20 };
    gw = await buildTestGateway({
      store: 'memory',
      config: {
        webhooks: {
          voice: { ...base, username: 'gw-user', password: 'gw-pass', signing_secret: SECRET, channel_name: 'Phone call' },
          plain: { ...base, subject: 'Code for {{ .To }}', template: '' },
          quick: { ...base, timeout: '1s' },
        },
      },
    });
  });
  afterAll(async () => {
    await gw.close();
    await receiver.close();
  });
  beforeEach(() => {
    receiver.requests.length = 0;
    receiver.reply({ status: 200, body: 'ok' });
  });

  it('POSTs the OTP with its code, the subject and the body, signed with signing_secret over the UTF-8 bytes', async () => {
    const res = await createOtp(gw, 'wh-send-1', { provider: 'voice', to: '+15550001111', extra: '{"order":42,"name":"Zoë ✓"}' });
    expect(res.status).toBe(200);
    const [req] = await receiver.waitForRequests(1);
    if (!req) throw new Error('no webhook request');
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/hooks/otp');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['user-agent']).toBe('otpgateway');
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from('gw-user:gw-pass').toString('base64')}`);
    expect(req.headers['x-otpgateway-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(signatureValid(req, SECRET)).toBe(true);
    expect(signatureValid(req, 'some-other-secret')).toBe(false);

    const payload = JSON.parse(req.text) as { otp: Record<string, unknown>; subject: string; body: string; sent_at: string };
    expect(Object.keys(payload).sort()).toEqual(['body', 'otp', 'sent_at', 'subject']);
    // When it was sent, inside the signed bytes: a receiver can refuse an old request replayed.
    expect(Math.abs(Date.parse(payload.sent_at) - Date.now())).toBeLessThan(60_000);
    expect(payload.sent_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const code = res.body.data?.otp as string;
    expect(payload.otp).toMatchObject({ namespace: 'nsA', id: 'wh-send-1', to: '+15550001111', provider: 'voice', otp: code, extra: { order: 42, name: 'Zoë ✓' } });
    expect(payload.subject).toBe('nsA: Phone call verification');
    expect(payload.body).toBe(`${code} is your nsA verification code. Valid for 5 min.`);
  });

  it('signs the exact bytes sent: a body altered by one byte no longer verifies', async () => {
    await createOtp(gw, 'wh-tamper-1', { provider: 'voice', to: 'x-1' });
    const [req] = await receiver.waitForRequests(1);
    if (!req) throw new Error('no webhook request');
    const tampered = { ...req, body: Buffer.from(req.text.replace('"nsA"', '"nsB"')) };
    expect(signatureValid(req, SECRET)).toBe(true);
    expect(signatureValid(tampered, SECRET)).toBe(false);
  });

  it('sends neither a signature nor Basic auth when none is configured, and renders Go-style subjects', async () => {
    const res = await createOtp(gw, 'wh-plain-1', { provider: 'plain', to: 'desk-7' });
    expect(res.status).toBe(200);
    const [req] = await receiver.waitForRequests(1);
    expect(req?.headers['x-otpgateway-signature']).toBeUndefined();
    expect(req?.headers.authorization).toBeUndefined();
    expect((JSON.parse(req?.text ?? '{}') as { subject: string }).subject).toBe('Code for desk-7');
  });

  it.each([400, 404, 500, 503])('treats an HTTP %i answer as a failed delivery: 502, reason logged, not returned', async (status) => {
    receiver.reply({ status, body: `receiver-secret-${status}: nope` });
    const res = await createOtp(gw, `wh-fail-${status}`, { provider: 'voice', to: 'x-1' });
    expect(res.status).toBe(502);
    expect(res.body).toEqual({ status: 'error', code: 'delivery_failed', message: expect.stringMatching(/^Error sending OTP: the provider \w+ did not accept the message\./) });
    expect(res.text).not.toContain('receiver-secret');
    const failure = logLines(gw, 'delivery failed').find((l) => String(l.err).includes(`receiver-secret-${status}`));
    expect(failure?.err).toContain(`HTTP ${status}`);
  });

  it('keeps the code out of the log when the receiver echoes the payload in its error answer', async () => {
    receiver.reply((req) => ({ status: 422, body: `rejected payload: ${req.text}` }));
    const res = await createOtp(gw, 'wh-echo-1', { provider: 'voice', to: 'x-1' });
    expect(res.status).toBe(502);
    const code = JSON.parse(receiver.requests[0]?.text ?? '{}').otp.otp as string;
    const failure = logLines(gw, 'delivery failed').find((l) => String(l.err).includes('rejected payload'));
    expect(failure?.err).toContain('"otp":"[code]"');
    expect(logText(gw)).not.toContain(code);
  });

  it('answers 502 when the receiver does not answer within a 1s timeout', async () => {
    receiver.reply({ hang: true });
    const res = await createOtp(gw, 'wh-hang-1', { provider: 'quick', to: 'x-1' });
    expect(res.status).toBe(502);
    expect(logLines(gw, 'delivery failed').some((l) => String(l.err).includes('no answer within 1000 ms'))).toBe(true);
  });

  it('answers 400 for an address longer than max_address_len, without calling the receiver', async () => {
    const res = await createOtp(gw, 'wh-long-1', { provider: 'voice', to: 'x'.repeat(21) });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('Invalid `to` address: it is longer than 20 characters.');
    expect(receiver.requests).toHaveLength(0);
  });
});
