import { AppError } from '../../errors';
import { basicCredentials, secretMatcher } from '../../security/credentials';
import type { ApiStep } from './types';

/** A tenant: a namespace and its secret (`[auth.*]`). */
export interface Tenant {
  namespace: string;
  secret: string;
}

/**
 * The auth step: on routes that need a namespace, HTTP Basic credentials
 * (user = namespace, password = its secret) checked in constant time, else 401
 * `unauthorized` with the `WWW-Authenticate` challenge (envelope.ts).
 */
export function authenticate(tenants: readonly Tenant[]): ApiStep {
  const matches = secretMatcher(new Map(tenants.map((t) => [t.namespace, t.secret])));
  return (request) => {
    if (request.route.auth === 'none') return;
    const credentials = basicCredentials(request.req.headers.authorization);
    if (!credentials || !matches(credentials)) {
      throw new AppError('unauthorized', 'Invalid or missing credentials. Use HTTP Basic auth with your namespace as the user and its secret as the password.');
    }
    request.namespace = credentials.user;
  };
}
