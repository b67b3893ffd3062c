import { createHash, timingSafeEqual } from 'node:crypto';
import { parse } from 'basic-auth';

/**
 * How the gateway checks a secret, everywhere one is checked (the API's
 * namespaces, `/metrics`, the outbox page): one parser of HTTP Basic
 * credentials and one constant-time matcher.
 */

/** User and password of an `Authorization: Basic …` header. */
export interface BasicCredentials {
  user: string;
  password: string;
}

/** The credentials of a Basic `Authorization` header, or undefined when it is absent or malformed. */
export function basicCredentials(header: string | undefined): BasicCredentials | undefined {
  if (header === undefined) return undefined;
  const parsed = parse(header);
  return parsed ? { user: parsed.name, password: parsed.pass } : undefined;
}

/** Checks a user and password against the known ones in constant time. */
export type SecretMatcher = (credentials: BasicCredentials | undefined) => boolean;

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * A matcher for `secrets` (user → secret). Secrets are hashed once here; each
 * call hashes the given password once and compares equal-length digests with
 * `timingSafeEqual`. An unknown user is compared against a dummy digest, so it
 * costs the same time as a wrong secret.
 */
export function secretMatcher(secrets: ReadonlyMap<string, string>): SecretMatcher {
  const digests = new Map([...secrets].map(([user, secret]) => [user, digest(secret)]));
  const dummy = digest('otpgateway: no such user');
  return (credentials) => {
    if (!credentials) return false;
    const expected = digests.get(credentials.user);
    const match = timingSafeEqual(digest(credentials.password), expected ?? dummy);
    return match && expected !== undefined;
  };
}
