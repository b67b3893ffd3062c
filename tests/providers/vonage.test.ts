import { createHash } from 'node:crypto';
import { buildTestGateway, type TestGateway } from '../helpers/gateway';
import { startHttpPeer, type HttpPeer } from '../helpers/http-peer';
import { createOtp, logLines } from './api';

const ACCEPTED = { status: 200, body: { 'message-count': '1', messages: [{ to: '447911123456', 'message-id': '0A0000000123ABCD1', status: '0', 'remaining-balance': '3.14', 'message-price': '0.03' }] } };

function vonageTable(endpoint: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { enabled: true, api_key: 'abcd1234', api_secret: 'vonage-secret', from: 'ACME', endpoint, timeout: '10s', ...extra };
}

describe('vonage_sms, against a local stand-in for rest.nexmo.com', () => {
  let peer: HttpPeer;
  let gw: TestGateway;
  beforeAll(async () => {
    peer = await startHttpPeer(ACCEPTED);
    gw = await buildTestGateway({ store: 'memory', config: { providers: { vonage_sms: vonageTable(peer.url) } } });
  });
  afterAll(async () => {
    await gw.close();
    await peer.close();
  });
  beforeEach(() => {
    peer.requests.length = 0;
    peer.reply(ACCEPTED);
  });

  it('POSTs /sms/json with api_key, api_secret and the number without its +', async () => {
    const res = await createOtp(gw, 'vn-send-1', { provider: 'vonage_sms', to: '+44 7911 123456' });
    expect(res.status).toBe(200);
    const [req] = await peer.waitForRequests(1);
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe('/sms/json');
    expect(req?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(req?.text))).toEqual({
      api_key: 'abcd1234',
      api_secret: 'vonage-secret',
      from: 'ACME',
      to: '447911123456',
      text: `${String(res.body.data?.otp)} is your nsA verification code. Valid for 5 min.`,
    });
  });

  it('treats an HTTP 200 whose message status is not "0" as a failed delivery, logging its error-text', async () => {
    peer.reply({ status: 200, body: { 'message-count': '1', messages: [{ status: '4', 'error-text': 'upstream-secret: Bad Credentials' }] } });
    const res = await createOtp(gw, 'vn-status-1', { provider: 'vonage_sms', to: '+447911123456' });
    expect(res.status).toBe(502);
    expect(res.text).not.toContain('upstream-secret');
    expect(logLines(gw, 'delivery failed').at(-1)?.err).toBe('vonage (vonage_sms): status 4: upstream-secret: Bad Credentials');
  });

  it('treats a non-2xx answer as a failed delivery', async () => {
    peer.reply({ status: 401, body: { type: 'https://developer.nexmo.com/api-errors#unauthorized', title: 'Unauthorized' } });
    const res = await createOtp(gw, 'vn-401-1', { provider: 'vonage_sms', to: '+447911123456' });
    expect(res.status).toBe(502);
    expect(String(logLines(gw, 'delivery failed').at(-1)?.err)).toContain('answered HTTP 401');
  });

  it('answers 502 when Vonage does not answer within a 1s timeout', async () => {
    peer.reply({ hang: true });
    const quick = await buildTestGateway({ store: 'memory', config: { providers: { vonage_sms: vonageTable(peer.url, { timeout: '1s' }) } } });
    try {
      const res = await createOtp(quick, 'vn-hang-1', { provider: 'vonage_sms', to: '+447911123456' });
      expect(res.status).toBe(502);
      expect(String(logLines(quick, 'delivery failed')[0]?.err)).toContain('no answer within 1000 ms');
    } finally {
      await quick.close();
    }
  });
});

describe('vonage_sms signed requests', () => {
  it('sends a sig made with the signature secret instead of api_secret', async () => {
    const peer = await startHttpPeer(ACCEPTED);
    const gw = await buildTestGateway({ store: 'memory', config: { providers: { vonage_sms: vonageTable(peer.url, { api_secret: '', signature_secret: 'sig-secret' }) } } });
    try {
      expect((await createOtp(gw, 'vn-sig-1', { provider: 'vonage_sms', to: '+447911123456' })).status).toBe(200);
      const [req] = await peer.waitForRequests(1);
      const form = Object.fromEntries(new URLSearchParams(req?.text));
      expect(form.api_secret).toBeUndefined();
      expect(Math.abs(Number(form.timestamp) - Date.now() / 1000)).toBeLessThan(60);
      // Recomputed as Vonage documents it: sorted "&key=value" pairs (& and = in values as _), the secret appended, MD5.
      const { sig, ...rest } = form;
      const text = Object.keys(rest).sort().map((k) => `&${k}=${String(rest[k]).replace(/[&=]/g, '_')}`).join('');
      expect(sig).toBe(createHash('md5').update(`${text}sig-secret`).digest('hex'));
    } finally {
      await gw.close();
      await peer.close();
    }
  });
});
