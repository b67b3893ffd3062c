import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildTestGateway, TENANTS, type TestGateway } from '../../../tests/helpers/gateway';
import { startHttpPeer, type HttpPeer } from '../../../tests/helpers/http-peer';

/**
 * The Node client against a real gateway listening on a loopback port (Redis store).
 * It is loaded by its package name, so the test goes through the package's "exports"
 * (node_modules/otpgateway-client, the npm workspace link) to its built dist/client, as an app's require would.
 */
const { OTPGatewayClient, OTPGatewayError } = require('otpgateway-client') as typeof import('../../../src/client');
type Client = InstanceType<typeof OTPGatewayClient>;

jest.setTimeout(60_000);

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The rejection of `promise`, which must be an OTPGatewayError. */
async function failure(promise: Promise<unknown>): Promise<InstanceType<typeof OTPGatewayError>> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.value)}`);
  if (!(outcome.error instanceof OTPGatewayError)) throw new Error(`expected an OTPGatewayError, got ${String(outcome.error)}`);
  return outcome.error;
}

describe('OTPGatewayClient against a running gateway', () => {
  let gw: TestGateway;
  let server: http.Server;
  let baseUrl: string;
  let client: Client;
  let n = 0;
  const newId = (): string => `client-test-${++n}`;

  beforeAll(async () => {
    gw = await buildTestGateway({ store: 'redis' });
    server = http.createServer(gw.app).listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = new OTPGatewayClient({ baseUrl, namespace: TENANTS.a.namespace, secret: TENANTS.a.secret });
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await gw.close();
  });

  test('providers() lists the enabled provider ids', async () => {
    expect(await client.providers()).toEqual(['log']);
  });

  test('create() sends the options as the wire fields and returns the OTP with its code', async () => {
    const id = newId();
    const otp = await client.create(id, { provider: 'log', to: 'john@example.com', ttl: 120, max_attempts: 4, extra: { plan: 'pro', n: [1, 2] } });
    expect(otp).toMatchObject({
      namespace: TENANTS.a.namespace,
      id,
      to: 'john@example.com',
      provider: 'log',
      ttl: 120,
      max_attempts: 4,
      attempts: 0,
      generate: 1,
      closed: false,
      extra: { plan: 'pro', n: [1, 2] },
      url: `http://gw.test/otp/${TENANTS.a.namespace}/${id}`,
    });
    expect(otp.otp).toMatch(/^\d{6}$/);
  });

  test('create() without an id lets the gateway choose a random 32-character id', async () => {
    const otp = await client.create(undefined, { provider: 'log', to: 'x@example.com' });
    expect(otp.id).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  test('create() with an unknown provider rejects with the 400 and the message of the envelope', async () => {
    const error = await failure(client.create(newId(), { provider: 'carrier-pigeon', to: 'x@example.com' }));
    expect(error).toMatchObject({ status: 400, code: 'invalid_field', data: { field: 'provider' }, message: expect.stringMatching(/^Unknown provider: "carrier-pigeon" is not a provider of this gateway\. Enabled providers: log\.$/) });
  });

  test('verify() with the right code resolves with the closed OTP, and the record is gone afterwards', async () => {
    const id = newId();
    const { otp: code } = await client.create(id, { provider: 'log', to: 'john@example.com' });
    const verified = await client.verify(id, code);
    expect(verified).toMatchObject({ id, closed: true, attempts: 1 });
    expect(verified).not.toHaveProperty('otp');
    const error = await failure(client.verify(id, code));
    expect(error).toMatchObject({ status: 400, message: 'The OTP does not exist or has expired.' });
  });

  test('verify() with a wrong code rejects with 400 "Incorrect OTP." and the OTP (without the code) as data', async () => {
    const id = newId();
    const { otp: code } = await client.create(id, { provider: 'log', to: 'john@example.com' });
    const error = await failure(client.verify(id, code === '000000' ? '111111' : '000000'));
    expect(error.status).toBe(400);
    expect(error.code).toBe('incorrect_otp');
    expect(error.message).toBe('Incorrect OTP.');
    expect(error.data).toMatchObject({ id, attempts: 1, closed: false });
    expect(error.data).not.toHaveProperty('otp');
    expect(error.unreachable).toBe(false);
  });

  test('a record out of attempts rejects with 429, the lock details and Retry-After, for verify and for create', async () => {
    const id = newId();
    const { otp: code } = await client.create(id, { provider: 'log', to: 'john@example.com', max_attempts: 1, ttl: 600 });
    await failure(client.verify(id, `${code}9`));
    const locked = await failure(client.verify(id, code));
    expect(locked.status).toBe(429);
    expect(locked.code).toBe('attempts_exceeded');
    expect(locked.message).toMatch(/^Too many attempts\. Please retry after \d+ seconds\.$/);
    expect(locked.retryAfter).toBeGreaterThan(0);
    const regenerate = await failure(client.create(id, { provider: 'log', to: 'john@example.com' }));
    expect(regenerate.status).toBe(429);
    expect(regenerate.message).toMatch(/^OTP attempts exceeded\. Retry after \d+ seconds\.$/);
    expect(regenerate.data).toMatchObject({ attempts: 1, max_attempts: 1 });
  });

  test('status() rejects with 400 "OTP not verified." until the code is verified, then resolves with the closed OTP', async () => {
    const id = newId();
    const { otp: code } = await client.create(id, { provider: 'log', to: 'john@example.com' });
    expect(await failure(client.status(id))).toMatchObject({ status: 400, message: 'OTP not verified.' });
    await client.verify(id, code, { skip_delete: true });
    expect(await client.status(id)).toMatchObject({ id, closed: true });
  });

  test('status() of an unknown id rejects with the 400 of the contract', async () => {
    expect(await failure(client.status(newId()))).toMatchObject({ status: 400, message: 'The OTP does not exist or has expired.' });
  });

  test('cancel() deletes the OTP; cancelling it again rejects with 400', async () => {
    const id = newId();
    await client.create(id, { provider: 'log', to: 'john@example.com' });
    await expect(client.cancel(id)).resolves.toBeUndefined();
    expect(await failure(client.verify(id, '123456'))).toMatchObject({ status: 400, message: 'The OTP does not exist or has expired.' });
    expect((await failure(client.cancel(id))).status).toBe(400);
  });

  test('ids are URL-encoded: every allowed character round-trips, and a path in an id reaches no other route', async () => {
    const id = 'email:john.doe@example.com_1-2';
    expect((await client.create(id, { provider: 'log', to: 'john@example.com' })).id).toBe(id);
    expect(await failure(client.verify('x/../../providers', '1'))).toMatchObject({ status: 400 });
    expect((await failure(client.verify('x/../../providers', '1'))).message).toMatch(/id/i);
  });

  test('a wrong secret rejects every call with 401 and the message of the envelope', async () => {
    const intruder = new OTPGatewayClient({ baseUrl, namespace: TENANTS.a.namespace, secret: 'not-the-secret' });
    const error = await failure(intruder.providers());
    expect(error.status).toBe(401);
    expect(error.message.length).toBeGreaterThan(10);
    expect((await failure(intruder.create(newId(), { provider: 'log', to: 'x@example.com' }))).status).toBe(401);
  });

  test('the OTPs of one namespace are invisible to a client of another', async () => {
    const id = newId();
    const { otp: code } = await client.create(id, { provider: 'log', to: 'john@example.com' });
    const other = new OTPGatewayClient({ baseUrl, namespace: TENANTS.b.namespace, secret: TENANTS.b.secret });
    expect((await failure(other.verify(id, code))).status).toBe(400);
    expect(await client.verify(id, code)).toMatchObject({ closed: true });
  });

  test('a base URL with a trailing slash works the same', async () => {
    const slashed = new OTPGatewayClient({ baseUrl: `${baseUrl}/`, namespace: TENANTS.a.namespace, secret: TENANTS.a.secret });
    expect(await slashed.providers()).toEqual(['log']);
  });
});

describe('OTPGatewayClient when the gateway does not answer properly', () => {
  let peer: HttpPeer | undefined;
  afterEach(async () => {
    await peer?.close();
    peer = undefined;
  });
  const clientOf = (baseUrl: string, timeoutMs?: number): Client =>
    new OTPGatewayClient({ baseUrl, namespace: 'ns', secret: 's', timeoutMs });

  test('an unreachable gateway rejects with status 0 and code "network", naming the reason', async () => {
    // A port that was just free: nothing listens on it.
    const closed = http.createServer();
    const url = await listen(closed);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(clientOf(url).providers());
    expect(error).toMatchObject({ status: 0, code: 'network', unreachable: true });
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  test('a gateway that never answers rejects with status 0 and code "timeout" after timeoutMs', async () => {
    peer = await startHttpPeer({ hang: true });
    const error = await failure(clientOf(peer.url, 300).providers());
    expect(error).toMatchObject({ status: 0, code: 'timeout', unreachable: true });
    expect(error.message).toMatch(/within 300 ms/);
  });

  test('an answer that is not the envelope (a proxy error page) rejects with its status and code "bad_response"', async () => {
    peer = await startHttpPeer({ status: 502, body: '<html>Bad Gateway</html>', headers: { 'Content-Type': 'text/html' } });
    const error = await failure(clientOf(peer.url).create('some-id-1', { provider: 'log' }));
    expect(error).toMatchObject({ status: 502, code: 'bad_response', unreachable: false });
  });

  test('an error envelope carrying a code exposes it', async () => {
    peer = await startHttpPeer({ status: 503, body: { status: 'error', code: 'store_down', message: 'The store is not answering.' } });
    expect(await failure(clientOf(peer.url).providers())).toMatchObject({ status: 503, code: 'store_down', message: 'The store is not answering.' });
  });

  test('the client sends Basic auth, JSON bodies and URL-encoded ids on the wire', async () => {
    peer = await startHttpPeer({ body: { status: 'success', data: { id: 'a b', closed: true } } });
    await clientOf(peer.url).verify('a b/c', '123456', { skip_delete: true });
    const [request] = await peer.waitForRequests(1);
    expect(request).toMatchObject({ method: 'POST', path: '/api/otp/a%20b%2Fc' });
    expect(request?.headers.authorization).toBe(`Basic ${Buffer.from('ns:s').toString('base64')}`);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.text ?? '')).toEqual({ otp: '123456', skip_delete: true });
  });

  test('a base URL that is not http(s) or a timeout that is not a positive whole number is refused at construction', () => {
    expect(() => clientOf('localhost:9000')).toThrow(/baseUrl must start with http/);
    expect(() => clientOf('http://localhost:9000', 0)).toThrow(/timeoutMs/);
  });
});
