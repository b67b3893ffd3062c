import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import http, { type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { calculateJwkThumbprint, exportJWK, SignJWT, type JWTPayload } from 'jose';
import { buildTestGateway, TENANTS, type TestGateway } from '../../../tests/helpers/gateway';
import { keyFolder } from '../../../tests/helpers/signing-keys';

/** verifyResultToken of the built client package against a real gateway's JWKS: each failed check has its own name. */
const { OTPGatewayClient, verifyResultToken, ResultTokenError } = require('otpgateway-client') as typeof import('../../../src/client');

const keys = keyFolder();
const KEY_FILE = keys.privateKey('gateway.pem');

describe('verifyResultToken', () => {
  let gw: TestGateway;
  let server: http.Server;
  let gatewayUrl: string;
  let gatewayKey: KeyObject;
  let kid: string;
  let n = 0;

  beforeAll(async () => {
    let app: RequestListener = (_req, res) => res.end();
    server = http.createServer((req, res) => app(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    gatewayUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    gw = await buildTestGateway({ store: 'memory', config: { app: { root_url: gatewayUrl }, signing: { key_files: [KEY_FILE] } } });
    app = gw.app;
    gatewayKey = createPrivateKey(readFileSync(KEY_FILE, 'utf8'));
    kid = await calculateJwkThumbprint(await exportJWK(gatewayKey));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await gw.close();
    keys.remove();
  });

  async function token(options: { nonce?: string } = {}): Promise<{ id: string; token: string }> {
    const client = new OTPGatewayClient({ baseUrl: gatewayUrl, namespace: TENANTS.a.namespace, secret: TENANTS.a.secret });
    const id = `verify-token-${++n}`;
    const created = await client.create(id, { provider: 'log', to: 'jane@example.com', ...(options.nonce ? { nonce: options.nonce } : {}) });
    const verified = await client.verify(id, created.otp);
    if (!verified.token) throw new Error('no token');
    return { id, token: verified.token };
  }

  async function refusal(promise: Promise<unknown>): Promise<string> {
    const error = await promise.then(() => undefined, (e: unknown) => e);
    if (!(error instanceof ResultTokenError)) throw new Error(`expected a ResultTokenError, got ${String(error)}`);
    return error.check;
  }

  /** A token signed with the gateway's own key (the test wrote the key file), with these claims and header. */
  function signed(claims: JWTPayload, header: Record<string, string> = {}, key: KeyObject = gatewayKey): Promise<string> {
    return new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid, typ: 'otpgateway-result+jwt', ...header }).sign(key);
  }

  it('resolves with the claims of a valid token (id and nonce checked when given)', async () => {
    const t = await token({ nonce: 'nonce-123' });
    const claims = await verifyResultToken(t.token, { gatewayUrl, namespace: 'nsA', id: t.id, nonce: 'nonce-123' });
    expect(claims).toMatchObject({ iss: gatewayUrl, aud: 'nsA', sub: t.id, to: 'jane@example.com', provider: 'log', amr: ['otp'], nonce: 'nonce-123' });
  });

  it('names the failed check: audience, subject, nonce, issuer', async () => {
    const t = await token({ nonce: 'nonce-123' });
    expect(await refusal(verifyResultToken(t.token, { gatewayUrl, namespace: 'nsB' }))).toBe('audience');
    expect(await refusal(verifyResultToken(t.token, { gatewayUrl, namespace: 'nsA', id: 'another-id' }))).toBe('subject');
    expect(await refusal(verifyResultToken(t.token, { gatewayUrl, namespace: 'nsA', nonce: 'other' }))).toBe('nonce');
    const claims = JSON.parse(Buffer.from(t.token.split('.')[1]!, 'base64url').toString()) as JWTPayload;
    expect(await refusal(verifyResultToken(await signed({ ...claims, iss: 'https://elsewhere.example' }), { gatewayUrl, namespace: 'nsA' }))).toBe('issuer');
  });

  it('names the failed check: signature (tampered), unknown_key (a key not published), malformed', async () => {
    const t = await token();
    const [h, p, s] = t.token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as JWTPayload;
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, to: 'mallory@example.com' })).toString('base64url')}.${s}`;
    expect(await refusal(verifyResultToken(forged, { gatewayUrl, namespace: 'nsA' }))).toBe('signature');
    const stranger = generateKeyPairSync('ed25519').privateKey;
    expect(await refusal(verifyResultToken(await signed(claims, { kid: 'not-published' }, stranger), { gatewayUrl, namespace: 'nsA' }))).toBe('unknown_key');
    expect(await refusal(verifyResultToken('not.a-token', { gatewayUrl, namespace: 'nsA' }))).toBe('malformed');
  });

  it('names the failed check: expired (past exp + 30 s), issued_at (in the future), type (another typ)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const base = { iss: gatewayUrl, aud: 'nsA', sub: 'x-123456', jti: 'j', to: 'a@b.c', channel: 'E-mail', provider: 'log', amr: ['otp'] };
    expect(await refusal(verifyResultToken(await signed({ ...base, iat: now - 400, exp: now - 31 }), { gatewayUrl, namespace: 'nsA' }))).toBe('expired');
    await expect(verifyResultToken(await signed({ ...base, iat: now - 300, exp: now - 10 }), { gatewayUrl, namespace: 'nsA' })).resolves.toBeDefined();
    expect(await refusal(verifyResultToken(await signed({ ...base, iat: now + 120, exp: now + 400 }), { gatewayUrl, namespace: 'nsA' }))).toBe('issued_at');
    expect(await refusal(verifyResultToken(await signed({ ...base, iat: now, exp: now + 300 }, { typ: 'JWT' }), { gatewayUrl, namespace: 'nsA' }))).toBe('type');
  });
});
