import { buildTestGateway, type TestGateway } from '../helpers/gateway';
import { startHttpPeer, type HttpPeer } from '../helpers/http-peer';
import { createOtp, logLines } from './api';
import { sigV4Matches } from './sigv4';

const ACCEPTED = { status: 200, body: { MessageId: 'msg-0001' } };

function awsTable(endpoint: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    enabled: true,
    region: 'ap-south-1',
    access_key: 'AKIDSMSKEY',
    secret_key: 'sms-secret-key',
    origination_identity: 'ACMEIN',
    message_type: 'TRANSACTIONAL',
    configuration_set: 'otp-set',
    max_price: '0.50',
    sms_entity_id: '1101XXXX',
    sms_template_id: '1107XXXX',
    default_phone_code: '+91',
    endpoint,
    timeout: '10s',
    ...extra,
  };
}

describe('aws_sms, against a local stand-in for AWS End User Messaging SMS', () => {
  let peer: HttpPeer;
  let gw: TestGateway;
  beforeAll(async () => {
    peer = await startHttpPeer(ACCEPTED);
    gw = await buildTestGateway({ store: 'memory', config: { providers: { aws_sms: awsTable(peer.url) } } });
  });
  afterAll(async () => {
    await gw.close();
    await peer.close();
  });
  beforeEach(() => {
    peer.requests.length = 0;
    peer.reply(ACCEPTED);
  });

  it('calls SendTextMessage: a SigV4-signed JSON 1.0 POST with the target header and the message', async () => {
    const res = await createOtp(gw, 'aws-send-1', { provider: 'aws_sms', to: '98765 43210' });
    expect(res.status).toBe(200);
    const [req] = await peer.waitForRequests(1);
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe('/');
    expect(req?.headers['x-amz-target']).toBe('PinpointSMSVoiceV2.SendTextMessage');
    expect(req?.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(req?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDSMSKEY\/\d{8}\/ap-south-1\/sms-voice\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/);
    expect(req && sigV4Matches(req, 'sms-secret-key')).toBe(true);
    expect(req && sigV4Matches(req, 'another-secret')).toBe(false);
    expect(JSON.parse(req?.text ?? '')).toEqual({
      DestinationPhoneNumber: '+919876543210',
      OriginationIdentity: 'ACMEIN',
      MessageBody: `${String(res.body.data?.otp)} is your nsA verification code. Valid for 5 min.`,
      MessageType: 'TRANSACTIONAL',
      ConfigurationSetName: 'otp-set',
      MaxPrice: '0.50',
      DestinationCountryParameters: { IN_ENTITY_ID: '1101XXXX', IN_TEMPLATE_ID: '1107XXXX' },
      Context: { namespace: 'nsA' },
    });
  });

  it('answers 502 for an AWS error answer, logs its type and message, and tries only once', async () => {
    peer.reply({ status: 400, body: { __type: 'com.amazonaws.pinpointsmsvoicev2#ValidationException', message: 'upstream-secret: invalid origination identity', Reason: 'INVALID_IDENTITY' } });
    const res = await createOtp(gw, 'aws-err-1', { provider: 'aws_sms', to: '+919876543210' });
    expect(res.status).toBe(502);
    expect(res.text).not.toContain('upstream-secret');
    expect(peer.requests).toHaveLength(1);
    const err = String(logLines(gw, 'delivery failed').at(-1)?.err);
    expect(err).toMatch(/^aws sms \(aws_sms\): ValidationException \(HTTP 400\): upstream-secret: invalid origination identity/);
  });

  it('does not retry a throttled or failing call (SDK retries off)', async () => {
    peer.reply({ status: 500, body: { __type: 'InternalServerException', message: 'boom' } });
    expect((await createOtp(gw, 'aws-5xx-1', { provider: 'aws_sms', to: '+919876543210' })).status).toBe(502);
    expect(peer.requests).toHaveLength(1);
  });

  it('answers 502 when AWS does not answer within a 1s timeout', async () => {
    peer.reply({ hang: true });
    const quick = await buildTestGateway({ store: 'memory', config: { providers: { aws_sms: awsTable(peer.url, { timeout: '1s' }) } } });
    try {
      const res = await createOtp(quick, 'aws-hang-1', { provider: 'aws_sms', to: '+919876543210' });
      expect(res.status).toBe(502);
      expect(peer.requests).toHaveLength(1);
      expect(String(logLines(quick, 'delivery failed')[0]?.err)).toMatch(/aws sms \(aws_sms\): (no answer in time|SendTextMessage timed out after 1000 ms)/);
    } finally {
      await quick.close();
    }
  });
});
