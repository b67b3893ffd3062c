import { randomBytes } from 'node:crypto';
import { SignJWT, type JWK } from 'jose';
import type { ResultTokens } from '../otp/results';
import type { Otp } from '../otp/types';
import type { SigningKey } from './keys';
import { createReturnTickets, type ReturnTickets } from './return-ticket';

/** The `typ` header of a result token. */
export const RESULT_TOKEN_TYPE = 'otpgateway-result+jwt';

/** The JWKS document (`GET /.well-known/jwks.json`). */
export interface Jwks {
  keys: JWK[];
}

/** Signs result tokens and publishes the keys that verify them. */
export interface ResultSigner extends ResultTokens {
  /** Every configured key's public half, the signing one first. */
  readonly jwks: Jwks;
  /** The key that signs. */
  readonly kid: string;
  /** The redirect flow's return tickets, signed with the same keys. */
  readonly returns: ReturnTickets;
}

/**
 * A result signer over the `[signing]` keys: the first signs, all are
 * published. Claims are exactly results.md's table; never the code, `extra` or attempts.
 */
export function createResultSigner(options: { keys: readonly SigningKey[]; issuer: string; ttlSeconds: number }): ResultSigner {
  const [signer] = options.keys;
  if (!signer) throw new Error('a result signer needs at least one signing key');
  const jwks: Jwks = { keys: options.keys.map((k) => k.publicJwk) };
  return {
    jwks,
    kid: signer.kid,
    returns: createReturnTickets(options.keys),
    async issue(otp: Otp, facts: { channel: string; nonce?: string }): Promise<string> {
      const now = Math.floor(Date.now() / 1000);
      const claims: Record<string, unknown> = { to: otp.to, channel: facts.channel, provider: otp.provider, amr: ['otp'] };
      if (facts.nonce !== undefined) claims.nonce = facts.nonce;
      return new SignJWT(claims)
        .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: RESULT_TOKEN_TYPE })
        .setIssuer(options.issuer)
        .setAudience(otp.namespace)
        .setSubject(otp.id)
        .setIssuedAt(now)
        .setExpirationTime(now + options.ttlSeconds)
        .setJti(randomBytes(16).toString('base64url'))
        .sign(signer.privateKey);
    },
  };
}
