import { generateKeyPairSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, SignJWT, type JSONWebKeySet, type JWTPayload } from 'jose';
import { newId, useApi, type ApiHarness } from '../http/api-harness';
import { keyFolder } from '../helpers/signing-keys';

/**
 * The result token (results.md) checked the way a relying party would: with
 * `jose` over the JWKS the gateway publishes, never with the gateway's own code.
 */
const keys = keyFolder();
const OLD_KEY = keys.privateKey('old.pem');
const NEW_KEY = keys.privateKey('new.pem');
const EC_KEY = keys.privateKey('p256.pem', 'p256');
afterAll(() => keys.remove());

const EXACT_CLAIMS = ['amr', 'aud', 'channel', 'exp', 'iat', 'iss', 'jti', 'provider', 'sub', 'to'];
const ISSUER = 'http://gw.test';

function baseUrl(api: ApiHarness): string {
  return `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
}

async function verifiedToken(api: ApiHarness, fields: Record<string, unknown> = {}): Promise<{ id: string; token: string }> {
  const id = newId('token');
  const created = await api.as.a.put(`/api/otp/${id}`, { provider: 'log', to: 'jane@example.com', extra: { secret: 'extra-value' }, ...fields }).expect(200);
  const res = await api.as.a.post(`/api/otp/${id}`, { otp: created.body.data.otp, skip_delete: true }).expect(200);
  expect(typeof res.body.data.token).toBe('string');
  return { id, token: res.body.data.token as string };
}

async function publishedKeys(api: ApiHarness): Promise<JSONWebKeySet> {
  const res = await fetch(`${baseUrl(api)}/.well-known/jwks.json`);
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('public, max-age=300');
  return (await res.json()) as JSONWebKeySet;
}

/** Re-encode one claim of a token, keeping its header and signature (what an attacker can do without the key). */
function tampered(token: string, change: (payload: JWTPayload) => void): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as JWTPayload;
  change(claims);
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}

describe('result tokens verify with the published JWKS through jose', () => {
  const api = useApi('memory', { signing: { key_files: [NEW_KEY, OLD_KEY], token_ttl: 120 } });

  it('the verify answer carries a token with exactly the claims of results.md, and createRemoteJWKSet over /.well-known/jwks.json accepts it', async () => {
    const { id, token } = await verifiedToken(api);
    const jwks = createRemoteJWKSet(new URL(`${baseUrl(api)}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer: ISSUER, audience: 'nsA', subject: id, typ: 'otpgateway-result+jwt' });
    expect(Object.keys(payload).sort()).toEqual(EXACT_CLAIMS);
    expect(payload).toMatchObject({ iss: ISSUER, aud: 'nsA', sub: id, to: 'jane@example.com', provider: 'log', amr: ['otp'] });
    expect(typeof payload.channel).toBe('string');
    expect(payload.exp! - payload.iat!).toBe(120);
    expect(Buffer.from(payload.jti!, 'base64url')).toHaveLength(16);
    expect(protectedHeader.alg).toBe('EdDSA');
    expect(token).not.toContain('extra-value');
    const json = Buffer.from(token.split('.')[1]!, 'base64url').toString();
    expect(json).not.toMatch(/extra|attempts|"otp":/);
  });

  it('publishes every key (kty, crv, x, kid, alg, use) with its RFC 7638 thumbprint as kid, the signing key first', async () => {
    const set = await publishedKeys(api);
    expect(set.keys).toHaveLength(2);
    for (const key of set.keys) {
      expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']);
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    }
    const { token } = await verifiedToken(api);
    expect(decodeProtectedHeader(token).kid).toBe(set.keys[0]!.kid);
    const { calculateJwkThumbprint } = await import('jose');
    expect(await calculateJwkThumbprint(set.keys[0]!)).toBe(set.keys[0]!.kid);
  });

  it.each(['iss', 'aud', 'sub', 'iat', 'exp', 'jti', 'to', 'channel', 'provider', 'amr'])('refuses the token after its %s claim was changed', async (claim) => {
    const { token } = await verifiedToken(api);
    const jwks = createLocalJWKSet(await publishedKeys(api));
    const forged = tampered(token, (p) => {
      const value = (p as Record<string, unknown>)[claim];
      (p as Record<string, unknown>)[claim] = typeof value === 'number' ? value + 1 : Array.isArray(value) ? ['pwd'] : `${String(value)}x`;
    });
    await expect(jwtVerify(forged, jwks)).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed);
  });

  it('refuses the token after its exp', async () => {
    const { token } = await verifiedToken(api);
    const jwks = createLocalJWKSet(await publishedKeys(api));
    const { exp } = decodeJwt(token);
    await expect(jwtVerify(token, jwks, { currentDate: new Date((exp! + 1) * 1000) })).rejects.toBeInstanceOf(errors.JWTExpired);
  });

  it('refuses the token when another namespace is the expected audience, and nsB\'s tokens name nsB', async () => {
    const { token } = await verifiedToken(api);
    const jwks = createLocalJWKSet(await publishedKeys(api));
    await expect(jwtVerify(token, jwks, { audience: 'nsB' })).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'aud' });
    const id = newId('token-b');
    const created = await api.as.b.put(`/api/otp/${id}`, { provider: 'log', to: 'b@example.com' }).expect(200);
    const b = (await api.as.b.post(`/api/otp/${id}`, { otp: created.body.data.otp }).expect(200)).body.data.token as string;
    await expect(jwtVerify(b, jwks, { audience: 'nsA' })).rejects.toMatchObject({ claim: 'aud' });
    expect((await jwtVerify(b, jwks, { audience: 'nsB' })).payload.sub).toBe(id);
  });

  it('refuses a token signed by a key that is not in the JWKS, under its own kid or under a published one', async () => {
    const { token } = await verifiedToken(api);
    const set = await publishedKeys(api);
    const jwks = createLocalJWKSet(set);
    const stranger = generateKeyPairSync('ed25519').privateKey;
    const claims = decodeJwt(token);
    const sign = (kid: string): Promise<string> => new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid, typ: 'otpgateway-result+jwt' }).sign(stranger);
    await expect(jwtVerify(await sign('not-a-published-kid'), jwks)).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
    await expect(jwtVerify(await sign(set.keys[0]!.kid!), jwks)).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed);
  });

  it('status of a verified OTP answers a fresh token each call (a new jti); nonce given at create is echoed', async () => {
    const { id } = await verifiedToken(api, { nonce: 'n-0S6_WzA2Mj' });
    const jwks = createLocalJWKSet(await publishedKeys(api));
    const first = (await api.as.a.post(`/api/otp/${id}/status`).expect(200)).body.data.token as string;
    const second = (await api.as.a.post(`/api/otp/${id}/status`).expect(200)).body.data.token as string;
    const [a, b] = await Promise.all([jwtVerify(first, jwks), jwtVerify(second, jwks)]);
    expect(a.payload.jti).not.toBe(b.payload.jti);
    expect(a.payload.nonce).toBe('n-0S6_WzA2Mj');
    expect(Object.keys(a.payload).sort()).toEqual([...EXACT_CLAIMS, 'nonce'].sort());
  });

  it('a wrong code answers no token', async () => {
    const id = newId('token');
    await api.as.a.put(`/api/otp/${id}`, { provider: 'log', to: 'x@example.com' }).expect(200);
    const res = await api.as.a.post(`/api/otp/${id}`, { otp: 'wrong' }).expect(400);
    expect(res.body.data.token).toBeUndefined();
  });

  it('refuses at create a redirect_uri the namespace does not list (no open redirect)', async () => {
    const res = await api.as.a.put(`/api/otp/${newId('token')}`, { provider: 'log', to: 'x@example.com', redirect_uri: 'https://evil.example/cb' }).expect(400);
    expect(res.body).toMatchObject({ code: 'invalid_field', data: { field: 'redirect_uri' } });
  });
});

describe('key rotation', () => {
  const before = useApi('memory', { signing: { key_files: [OLD_KEY] } });
  const during = useApi('memory', { signing: { key_files: [NEW_KEY, OLD_KEY] } });
  const after = useApi('memory', { signing: { key_files: [NEW_KEY] } });

  it('a token signed by the old key verifies while the old key is listed (second), and no longer once it is removed', async () => {
    const { token } = await verifiedToken(before);
    const rotated = await publishedKeys(during);
    await expect(jwtVerify(token, createLocalJWKSet(rotated), { issuer: ISSUER, audience: 'nsA' })).resolves.toBeDefined();
    const fresh = await verifiedToken(during);
    expect(decodeProtectedHeader(fresh.token).kid).toBe(rotated.keys[0]!.kid);
    expect(decodeProtectedHeader(token).kid).toBe(rotated.keys[1]!.kid);
    await expect(jwtVerify(token, createLocalJWKSet(await publishedKeys(after)))).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
  });
});

describe('ES256 keys', () => {
  const api = useApi('memory', { signing: { key_files: [EC_KEY] } });

  it('sign ES256 tokens that verify with the published P-256 key', async () => {
    const { token } = await verifiedToken(api);
    const set = await publishedKeys(api);
    expect(set.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(Object.keys(set.keys[0]!).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    expect((await jwtVerify(token, createLocalJWKSet(set))).protectedHeader.alg).toBe('ES256');
  });
});

describe('without [signing]', () => {
  const api = useApi('memory');

  it('answers no token, no JWKS, and refuses redirect_uri and nonce at create', async () => {
    const id = newId('token');
    const created = await api.as.a.put(`/api/otp/${id}`, { provider: 'log', to: 'x@example.com' }).expect(200);
    const verified = await api.as.a.post(`/api/otp/${id}`, { otp: created.body.data.otp, skip_delete: true }).expect(200);
    expect(verified.body.data.token).toBeUndefined();
    expect((await api.as.a.post(`/api/otp/${id}/status`).expect(200)).body.data.token).toBeUndefined();
    expect((await fetch(`${baseUrl(api)}/.well-known/jwks.json`)).status).toBe(404);
    for (const field of ['redirect_uri', 'nonce']) {
      const res = await api.as.a.put(`/api/otp/${newId('token')}`, { provider: 'log', to: 'x@example.com', [field]: 'https://app.example/cb' }).expect(400);
      expect(res.body.data.field).toBe(field);
    }
  });
});
