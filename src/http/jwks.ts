import type { RequestHandler } from 'express';
import type { Jwks } from '../signing/result-token';

/**
 * `GET /.well-known/jwks.json`: the public keys of the result tokens, no auth.
 * Cacheable for 5 minutes: a key added at rotation is published before it signs
 * (put it second first, then first), so a verifier's cache is never behind it.
 */
export function jwksRoute(jwks: Jwks): RequestHandler {
  const body = JSON.stringify(jwks);
  return (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.type('application/jwk-set+json').send(body);
  };
}
