import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Security headers, configured per surface with helmet:
 * - `/api`: JSON for backends: a CSP that allows nothing, no framing, no caching;
 * - `/static`: otp.js/otp.css are loaded by host pages on other origins, so
 *   Cross-Origin-Resource-Policy is cross-origin and caching is allowed;
 * - everything else (the public pages): nosniff, no-referrer, no caching.
 *   The page CSP and `frame-ancestors` depend on the namespace, so the page
 *   routes set them (see `pageHeaderPolicy` in src/http/page-routes.ts);
 *   X-Frame-Options is never sent on pages because it would forbid the modal's iframe.
 * HSTS is left to the TLS-terminating proxy: the gateway itself speaks plain HTTP.
 */

const common = {
  strictTransportSecurity: false,
  referrerPolicy: { policy: 'no-referrer' as const },
  xContentTypeOptions: true,
  xPoweredBy: true,
} as const;

const api = helmet({
  ...common,
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  xFrameOptions: { action: 'deny' },
  crossOriginResourcePolicy: { policy: 'same-origin' },
  // Headers for documents a browser renders (or for IE and Flash); a JSON answer is never one,
  // and each header is work on every API response (the OWASP REST cheat sheet's set is kept).
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
});

const assets = helmet({
  ...common,
  contentSecurityPolicy: false,
  xFrameOptions: false,
  crossOriginResourcePolicy: { policy: 'cross-origin' },
  crossOriginOpenerPolicy: false,
});

const pages = helmet({
  ...common,
  // Set per namespace by the page routes (frame-ancestors = the namespace's allowed_origins).
  contentSecurityPolicy: false,
  xFrameOptions: false,
  // Pages are embedded by host pages on other origins.
  crossOriginResourcePolicy: { policy: 'cross-origin' },
});

/** One middleware that applies the header set of the surface a request is for. */
export function securityHeaders(): RequestHandler {
  return (req, res, next) => {
    const path = req.path;
    if (path === '/api' || path.startsWith('/api/')) {
      res.setHeader('Cache-Control', 'no-store');
      return api(req, res, next);
    }
    if (path.startsWith('/static/')) return assets(req, res, next);
    res.setHeader('Cache-Control', 'no-store');
    return pages(req, res, next);
  };
}
