import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';

/**
 * Checking a result token (results.md "The result token") on a relying
 * party's backend, with `jose` over the gateway's published JWKS.
 */

/** The claims of a result token once every check passed. */
export interface ResultTokenClaims {
  iss: string;
  /** The namespace. */
  aud: string;
  /** The OTP id. */
  sub: string;
  iat: number;
  exp: number;
  /** Unique per token: keep the ones you accepted until `exp` to refuse a replay. */
  jti: string;
  /** The verified address, normalised as the gateway stores it. */
  to: string;
  /** The channel's name ("E-mail", "SMS", …). */
  channel: string;
  /** The provider (or route) the OTP used. */
  provider: string;
  amr: string[];
  /** The `nonce` given at create time, when one was. */
  nonce?: string;
}

/** Which check a token failed. */
export type ResultTokenCheck =
  | 'malformed' | 'type' | 'signature' | 'unknown_key' | 'jwks' | 'issuer' | 'audience' | 'subject' | 'nonce' | 'expired' | 'issued_at' | 'claims';

/** Why a result token was refused: `check` names the check that failed. */
export class ResultTokenError extends Error {
  readonly check: ResultTokenCheck;

  constructor(check: ResultTokenCheck, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ResultTokenError';
    this.check = check;
  }
}

/** What a result token must match. */
export interface VerifyResultTokenOptions {
  /** The gateway's base URL (its `app.root_url`): the expected `iss`, and where `/.well-known/jwks.json` is. */
  gatewayUrl: string;
  /** Your namespace: the expected `aud`. */
  namespace: string;
  /** The OTP id you created: the expected `sub`. */
  id?: string;
  /** The `nonce` you gave at create time. */
  nonce?: string;
}

const TYPE = 'otpgateway-result+jwt';
const CLOCK_SKEW_SECONDS = 30;
// The longest token_ttl a gateway accepts; an iat older than that cannot be one of its tokens.
const MAX_TOKEN_AGE_SECONDS = 86_400;
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

/** The cached key set of a gateway (jose refetches it when a token names a kid it does not know, e.g. after a rotation). */
function keySetOf(gatewayUrl: string): ReturnType<typeof createRemoteJWKSet> {
  let set = keySets.get(gatewayUrl);
  if (!set) {
    set = createRemoteJWKSet(new URL(`${gatewayUrl}/.well-known/jwks.json`));
    keySets.set(gatewayUrl, set);
  }
  return set;
}

/**
 * Check a result token: its signature (keys from the gateway's JWKS, cached),
 * `typ`, `iss`, `aud`, `sub` and `nonce` when given, `exp`/`iat` with 30 s of
 * clock skew. Resolves with its claims; rejects with a ResultTokenError saying which check failed.
 */
export async function verifyResultToken(token: string, options: VerifyResultTokenOptions): Promise<ResultTokenClaims> {
  const gatewayUrl = options.gatewayUrl.replace(/\/+$/, '');
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, keySetOf(gatewayUrl), {
      issuer: gatewayUrl,
      audience: options.namespace,
      subject: options.id,
      typ: TYPE,
      clockTolerance: CLOCK_SKEW_SECONDS,
      maxTokenAge: MAX_TOKEN_AGE_SECONDS,
      requiredClaims: ['iss', 'aud', 'sub', 'iat', 'exp', 'jti'],
    }));
  } catch (err) {
    throw asTokenError(err);
  }
  if (options.nonce !== undefined && payload.nonce !== options.nonce) {
    throw new ResultTokenError('nonce', 'The token\'s nonce is not the one given at create time.');
  }
  const claims = payload as Partial<ResultTokenClaims>;
  if (typeof claims.to !== 'string' || typeof claims.channel !== 'string' || typeof claims.provider !== 'string' || typeof claims.aud !== 'string') {
    throw new ResultTokenError('claims', 'The token lacks the claims of a result token (to, channel, provider, a single aud).');
  }
  return claims as ResultTokenClaims;
}

const CLAIM_CHECKS: Record<string, ResultTokenCheck> = { iss: 'issuer', aud: 'audience', sub: 'subject', typ: 'type', iat: 'issued_at', exp: 'expired' };

function asTokenError(err: unknown): ResultTokenError {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof errors.JWTExpired) return new ResultTokenError(err.claim === 'iat' ? 'issued_at' : 'expired', `The token has expired (${message}).`, { cause: err });
  if (err instanceof errors.JWTClaimValidationFailed) {
    const check = CLAIM_CHECKS[err.claim] ?? 'claims';
    return new ResultTokenError(check, `The token's ${err.claim} check failed: ${message}.`, { cause: err });
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) return new ResultTokenError('signature', 'The token\'s signature does not verify.', { cause: err });
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JOSEAlgNotAllowed) {
    return new ResultTokenError('unknown_key', 'The token is signed by a key the gateway does not publish.', { cause: err });
  }
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || (err instanceof TypeError && /fetch/i.test(message))) {
    return new ResultTokenError('jwks', `The gateway's JWKS could not be fetched: ${message}.`, { cause: err });
  }
  if (err instanceof errors.JOSEError) return new ResultTokenError('malformed', `The token is not a valid JWS: ${message}.`, { cause: err });
  return new ResultTokenError('jwks', `The token could not be checked: ${message}.`, { cause: err });
}
