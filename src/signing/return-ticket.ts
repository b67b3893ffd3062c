import { createLocalJWKSet, jwtVerify, SignJWT } from 'jose';
import type { RedirectTarget } from '../otp/results';
import type { OtpKey } from '../store/store';
import type { SigningKey } from './keys';

/** The `typ` of a return ticket: not a result token, and refused as one (a relying party checks `typ`). */
const RETURN_TICKET_TYPE = 'otpgateway-return+jwt';

/**
 * Return tickets of the redirect flow. Pages of a redirect-flow OTP carry one
 * in their forms so that, after the record has expired (and its redirect_uri
 * with it), a submission can still send the browser back with `error=expired`.
 * It is signed by the gateway and bound to the OTP, and the page checks its
 * redirect_uri against the namespace's list again: the browser can carry it,
 * never choose it.
 */
export interface ReturnTickets {
  /** A ticket for this OTP's target, valid `seconds` from now. */
  issue(key: OtpKey, target: RedirectTarget, seconds: number): Promise<string>;
  /** The target of a ticket issued for this OTP, or undefined (forged, expired, another OTP's). */
  read(ticket: string, key: OtpKey): Promise<RedirectTarget | undefined>;
}

/** Return tickets signed with the first `[signing]` key, read with any of them. */
export function createReturnTickets(keys: readonly SigningKey[]): ReturnTickets {
  const [signer] = keys;
  if (!signer) throw new Error('return tickets need a signing key');
  const jwks = createLocalJWKSet({ keys: keys.map((k) => k.publicJwk) });
  const audience = (key: OtpKey): string => `return:${key.namespace}`;
  return {
    issue(key, target, seconds) {
      return new SignJWT(target.state === undefined ? { uri: target.uri } : { uri: target.uri, state: target.state })
        .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: RETURN_TICKET_TYPE })
        .setAudience(audience(key))
        .setSubject(key.id)
        .setExpirationTime(Math.floor(Date.now() / 1000) + seconds)
        .sign(signer.privateKey);
    },
    async read(ticket, key) {
      try {
        const { payload } = await jwtVerify(ticket, jwks, { audience: audience(key), subject: key.id, typ: RETURN_TICKET_TYPE });
        const { uri, state } = payload as { uri?: unknown; state?: unknown };
        if (typeof uri !== 'string') return undefined;
        return typeof state === 'string' ? { uri, state } : { uri };
      } catch {
        return undefined;
      }
    },
  };
}
