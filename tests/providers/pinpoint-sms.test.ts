import { buildTestGateway, type TestGateway } from '../helpers/gateway';
import { startHttpPeer, type HttpPeer, type PeerReply, type RecordedRequest } from '../helpers/http-peer';
import { createOtp, logLines, logText, storedOtp } from './api';
import { sigV4Matches } from './sigv4';

interface MessageRequest {
  Addresses: Record<string, { ChannelType: string }>;
  MessageConfiguration: { SMSMessage: Record<string, string> };
  Context: Record<string, string>;
}

/** Answer like Pinpoint: a MessageResponse with one result per address, each with this delivery status. */
function pinpointAnswer(status: string, message = 'Message accepted'): (req: RecordedRequest) => PeerReply {
  return (req) => {
    const body = JSON.parse(req.text) as MessageRequest;
    const result = Object.fromEntries(
      Object.keys(body.Addresses).map((address) => [
        address,
        { DeliveryStatus: status, StatusCode: status === 'SUCCESSFUL' ? 200 : 400, StatusMessage: message, MessageId: 'msg-1' },
      ]),
    );
    return { status: 200, body: { ApplicationId: 'app-123', RequestId: 'req-1', Result: result } };
  };
}

/** A full [providers.pinpoint_sms] table pointing at `endpoint`. */
function pinpointTable(endpoint: string, timeout: string): Record<string, unknown> {
  return {
    enabled: true,
    application_id: 'app-123',
    access_key: 'AKIDTESTKEY123',
    secret_key: 'test-secret-key',
    region: 'ap-south-1',
    sms_sender_id: 'ACMEIN',
    sms_entity_id: '1101XXXX',
    sms_template_id: '1107XXXX',
    sms_message_type: 'TRANSACTIONAL',
    default_phone_code: '+91',
    endpoint,
    timeout,
  };
}

describe('pinpoint_sms, against a local stand-in for the Pinpoint API', () => {
  let peer: HttpPeer;
  let gw: TestGateway;
  beforeAll(async () => {
    peer = await startHttpPeer(pinpointAnswer('SUCCESSFUL'));
    gw = await buildTestGateway({ store: 'memory', config: { providers: { pinpoint_sms: pinpointTable(peer.url, '10s') } } });
  });
  afterAll(async () => {
    await gw.close();
    await peer.close();
  });
  beforeEach(() => {
    peer.requests.length = 0;
    peer.reply(pinpointAnswer('SUCCESSFUL'));
  });

  it('calls SendMessages: a SigV4-signed POST /v1/apps/{ApplicationId}/messages with the MessageRequest', async () => {
    const res = await createOtp(gw, 'pp-send-1', { provider: 'pinpoint_sms', to: '98765 43210' });
    expect(res.status).toBe(200);
    expect(res.body.data?.to).toBe('+919876543210');
    const [req] = await peer.waitForRequests(1);
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe('/v1/apps/app-123/messages');
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDTESTKEY123\/\d{8}\/ap-south-1\/mobiletargeting\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/,
    );
    expect(req?.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    // The signature is that of these exact bytes under the configured secret key, not merely well-formed.
    expect(req && sigV4Matches(req, 'test-secret-key')).toBe(true);
    expect(req && sigV4Matches(req, 'another-secret-key')).toBe(false);
    expect(JSON.parse(req?.text ?? '')).toEqual({
      Addresses: { '+919876543210': { ChannelType: 'SMS' } },
      MessageConfiguration: {
        SMSMessage: {
          Body: `${String(res.body.data?.otp)} is your nsA verification code. Valid for 5 min.`,
          MessageType: 'TRANSACTIONAL',
          SenderId: 'ACMEIN',
          EntityId: '1101XXXX',
          TemplateId: '1107XXXX',
        },
      },
      Context: { namespace: 'nsA' },
    });
  });

  it('stores the E.164 form of a 00-prefixed number', async () => {
    const res = await createOtp(gw, 'pp-norm-1', { provider: 'pinpoint_sms', to: '0044 7911 123456' });
    expect(res.status).toBe(200);
    expect((await storedOtp(gw, 'pp-norm-1')).to).toBe('+447911123456');
    const [req] = await peer.waitForRequests(1);
    expect(Object.keys((JSON.parse(req?.text ?? '') as MessageRequest).Addresses)).toEqual(['+447911123456']);
  });

  it.each(['PERMANENT_FAILURE', 'OPT_OUT', 'THROTTLED'])(
    'treats a 200 whose per-address DeliveryStatus is %s as a failed delivery (502, reason only in the log)',
    async (status) => {
      peer.reply(pinpointAnswer(status, `upstream-secret-${status}: not delivered`));
      const res = await createOtp(gw, `pp-fail-${status.toLowerCase().replace('_', '-')}`, { provider: 'pinpoint_sms', to: '+919876543210' });
      expect(res.status).toBe(502);
      expect(res.body).toEqual({ status: 'error', code: 'delivery_failed', message: expect.stringMatching(/^Error sending OTP: the provider \w+ did not accept the message\./) });
      expect(res.text).not.toContain('upstream-secret');
      const failure = logLines(gw, 'delivery failed').find((l) => String(l.err).includes(`upstream-secret-${status}`));
      expect(failure?.err).toContain(status);
      expect(failure?.provider).toBe('pinpoint_sms');
    },
  );

  it('keeps the code out of the log when the failure reason quotes the message', async () => {
    peer.reply((req) => pinpointAnswer('PERMANENT_FAILURE', `undeliverable: ${(JSON.parse(req.text) as MessageRequest).MessageConfiguration.SMSMessage.Body}`)(req));
    const res = await createOtp(gw, 'pp-echo-1', { provider: 'pinpoint_sms', to: '+919876543210' });
    expect(res.status).toBe(502);
    const body = (JSON.parse(peer.requests[0]?.text ?? '{}') as MessageRequest).MessageConfiguration.SMSMessage.Body ?? '';
    const code = body.split(' ')[0] ?? '';
    expect(code).toMatch(/^\d{6}$/);
    expect(logLines(gw, 'delivery failed').some((l) => String(l.err).includes('undeliverable: [code] is your nsA'))).toBe(true);
    expect(logText(gw)).not.toContain(code);
  });

  it('answers 502 for an API error, logs its reason, and tries only once', async () => {
    peer.reply({
      status: 400,
      headers: { 'x-amzn-ErrorType': 'BadRequestException' },
      body: { Message: 'upstream-secret-detail: invalid origination identity', RequestID: 'r-1' },
    });
    const res = await createOtp(gw, 'pp-error-1', { provider: 'pinpoint_sms', to: '+919876543210' });
    expect(res.status).toBe(502);
    expect(res.text).not.toContain('upstream-secret-detail');
    expect(peer.requests).toHaveLength(1);
    const failure = logLines(gw, 'delivery failed').find((l) => String(l.err).includes('upstream-secret-detail'));
    expect(failure?.err).toContain('BadRequestException');
  });

  it('answers 502 when a 5xx answer comes back, without retrying the send', async () => {
    peer.reply({ status: 503, body: { Message: 'upstream-secret-unavailable' } });
    const res = await createOtp(gw, 'pp-5xx-1', { provider: 'pinpoint_sms', to: '+919876543210' });
    expect(res.status).toBe(502);
    expect(res.text).not.toContain('upstream-secret');
    expect(peer.requests).toHaveLength(1);
  });

  it('answers 502 when Pinpoint does not answer within a 1s timeout', async () => {
    peer.reply({ hang: true });
    const quick = await buildTestGateway({ store: 'memory', config: { providers: { pinpoint_sms: pinpointTable(peer.url, '1s') } } });
    try {
      const res = await createOtp(quick, 'pp-hang-1', { provider: 'pinpoint_sms', to: '+919876543210' });
      expect(res.status).toBe(502);
      expect(res.body.message).toMatch(/^Error sending OTP: the provider \w+ did not accept the message\./);
      expect(peer.requests).toHaveLength(1);
      expect(logLines(quick, 'delivery failed').some((l) => /pinpoint \(pinpoint_sms\): (no answer in time|SendMessages timed out after 1000 ms)/.test(String(l.err)))).toBe(true);
    } finally {
      await quick.close();
    }
  });

  it('answers 400 for a number that is not one, without calling Pinpoint', async () => {
    const res = await createOtp(gw, 'pp-junk-1', { provider: 'pinpoint_sms', to: 'not-a-number' });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^Invalid `to` address: /);
    expect(peer.requests).toHaveLength(0);
  });
});

describe('pinpoint_sms connection pooling', () => {
  it('never opens more than max_conns connections to the endpoint', async () => {
    const peer = await startHttpPeer((req) => ({ ...pinpointAnswer('SUCCESSFUL')(req), delayMs: 100 }));
    const gw = await buildTestGateway({
      store: 'memory',
      config: {
        providers: {
          pinpoint_sms: { enabled: true, application_id: 'app-1', access_key: 'AKID1', secret_key: 's', region: 'us-east-1', endpoint: peer.url, max_conns: 2 },
        },
      },
    });
    try {
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, i) => createOtp(gw, `pp-pool-${i}`, { provider: 'pinpoint_sms', to: '+14155552671' })),
      );
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(peer.requests).toHaveLength(6);
      expect(peer.connections).toBeLessThanOrEqual(2);
    } finally {
      await gw.close();
      await peer.close();
    }
  });
});
