import { createHash, timingSafeEqual } from 'node:crypto';
import basicAuth from 'express-basic-auth';
import type { RequestHandler } from 'express';

/** A tenant: a namespace and its secret. */
export interface Tenant {
  namespace: string;
  secret: string;
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * The credential check behind `apiAuth` (also used by the API fast path):
 * secrets are hashed once here; each call hashes the given password once and
 * compares equal-length digests in constant time, an unknown namespace against a dummy digest.
 */
export function createAuthorizer(tenants: readonly Tenant[]): (user: string, password: string) => boolean {
  const secrets = new Map(tenants.map((t) => [t.namespace, digest(t.secret)]));
  const dummy = digest('otpgateway: no such namespace');
  return (user: string, password: string): boolean => {
    const expected = secrets.get(user);
    const match = timingSafeEqual(digest(password), expected ?? dummy);
    return match && expected !== undefined;
  };
}

/**
 * HTTP Basic auth for `/api`: user = namespace, password = its secret.
 * Secrets are hashed once at startup; each request hashes the given password
 * once and compares equal-length digests in constant time. An unknown
 * namespace is compared against a dummy digest, so it costs the same.
 * On success `res.locals.namespace` holds the namespace.
 */
export function apiAuth(tenants: readonly Tenant[]): RequestHandler[] {
  return [
    basicAuth({
      authorizer: createAuthorizer(tenants),
      challenge: true,
      realm: 'otpgateway',
      unauthorizedResponse: () => ({
        status: 'error',
        message: 'Invalid or missing credentials. Use HTTP Basic auth with your namespace as the user and its secret as the password.',
      }),
    }),
    (req, res, next) => {
      res.locals.namespace = (req as basicAuth.IBasicAuthedRequest).auth.user;
      next();
    },
  ];
}
