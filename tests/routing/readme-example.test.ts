import { parse } from 'smol-toml';
import { buildTestGateway, type TestGateway } from '../helpers/gateway';
import { startHttpPeer, type HttpPeer } from '../helpers/http-peer';
import { example } from '../readme/readme-blocks';
import { create } from './route-harness';

/** The README's worked example (examples/readme/routing.toml) with each vendor's endpoint pointed at a stand-in. */
describe("the README's routing example: India on Kaleyra with AWS as fallback, the US on Twilio", () => {
  let kaleyra: HttpPeer;
  let aws: HttpPeer;
  let twilio: HttpPeer;
  let gw: TestGateway;
  beforeAll(async () => {
    kaleyra = await startHttpPeer({ status: 202, body: { id: 'k-1' } });
    aws = await startHttpPeer({ status: 200, body: { MessageId: 'a-1' } });
    twilio = await startHttpPeer({ status: 201, body: { sid: 'SM1', status: 'queued' } });
    const config = parse(example('routing.toml')) as { providers: Record<string, Record<string, unknown>>; routes: Record<string, unknown> };
    const providers = {
      kaleyra_sms: { ...config.providers.kaleyra_sms, endpoint: kaleyra.url },
      aws_sms: { ...config.providers.aws_sms, endpoint: aws.url, access_key: 'AKIDTEST', secret_key: 'test-secret' },
      twilio_sms: { ...config.providers.twilio_sms, endpoint: twilio.url },
    };
    gw = await buildTestGateway({ store: 'memory', config: { providers, routes: config.routes } });
  });
  afterAll(async () => {
    await gw.close();
    await Promise.all([kaleyra, aws, twilio].map((p) => p.close()));
  });
  const counts = (): number[] => [kaleyra, aws, twilio].map((p) => p.requests.length);

  it('sends +91 numbers through Kaleyra, and through AWS when Kaleyra fails', async () => {
    const first = await create(gw, 'readme-route-in-1', { provider: 'sms', to: '+919876543210' });
    expect(first.body.data).toMatchObject({ provider: 'sms', delivered_via: 'kaleyra_sms' });
    kaleyra.reply({ status: 500, body: 'maintenance' });
    const second = await create(gw, 'readme-route-in-2', { provider: 'sms', to: '+919876543210' });
    expect(second.body.data).toMatchObject({ provider: 'sms', delivered_via: 'aws_sms' });
    expect(counts()).toEqual([2, 1, 0]);
  });

  it('sends +1 numbers through Twilio, and any other country through the route list (Twilio first)', async () => {
    expect((await create(gw, 'readme-route-us-1', { provider: 'sms', to: '+14155552671' })).body.data?.delivered_via).toBe('twilio_sms');
    expect((await create(gw, 'readme-route-uk-1', { provider: 'sms', to: '+447911123456' })).body.data?.delivered_via).toBe('twilio_sms');
    expect(twilio.requests.map((r) => new URLSearchParams(r.text).get('To'))).toEqual(['+14155552671', '+447911123456']);
  });
});
