import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Security headers, one set per surface, each applied by the surface that
 * serves the request (so a path spelt `/API/…` can never get another surface's set):
 * - `/api` (JSON for backends): a CSP that allows nothing, no framing, no caching;
 *   a constant set written with the answer (the API pipeline does not run Express);
 *   `/metrics` writes the same set;
 * - `/static`: otp.js/otp.css are loaded by host pages on other origins, so
 *   Cross-Origin-Resource-Policy is cross-origin and caching is allowed;
 * - the public pages: nosniff, no-referrer, no caching. Their CSP and
 *   `frame-ancestors` depend on the namespace (src/http/pages/policy.ts);
 *   X-Frame-Options is never sent on pages because it would forbid the modal's iframe.
 * HSTS is left to the TLS-terminating proxy: the gateway itself speaks plain HTTP.
 */

/**
 * The headers of every `/api` answer: the OWASP REST cheat sheet's set. Headers
 * that only matter for documents a browser renders are left out: a JSON answer is never one.
 */
export const API_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Content-Type': 'application/json; charset=utf-8',
});

/** The headers of every `/metrics` answer (text for Prometheus, never a document): the API's set, as plain text. */
export const METRICS_HEADERS: Readonly<Record<string, string>> = Object.freeze({ ...API_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });

const common = {
  strictTransportSecurity: false,
  referrerPolicy: { policy: 'no-referrer' as const },
  xContentTypeOptions: true,
  xPoweredBy: true,
} as const;

/** Headers of /static: readable by host pages on any origin, cacheable. */
export const assetHeaders: RequestHandler = helmet({
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

/** Headers of the public pages (and of anything else the web surface answers): never cached. */
export const pageHeaders: RequestHandler = (req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  pages(req, res, next);
};
