import { Router } from 'express';
import { staticFiles } from './static-files';

/** Small helpers of the public pages: the asset route, origin and form-field parsing. */

/** The assets under /static: only scripts, styles and images, readable by host pages on any origin. */
export function staticAssets(): Router {
  const router = Router();
  router.use((req, res, next) => {
    if (!/^\/[A-Za-z0-9_-]+\.(js|css|svg|png|ico)$/.test(req.path)) return void res.status(404).type('text').send('Not found.');
    // otp.js and otp.css are loaded by host pages on other origins.
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });
  router.use(staticFiles());
  router.use((_req, res) => void res.status(404).type('text').send('Not found.'));
  return router;
}

/** An origin ("https://shop.example") from a query value, or "" when it is not one. */
export function validOrigin(value: unknown): string {
  if (typeof value !== 'string' || value.length > 256) return '';
  try {
    const url = new URL(value);
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== value.replace(/\/$/, '')) return '';
    return url.origin;
  } catch {
    return '';
  }
}

/** The path prefix of `root_url` ("" or "/otp-gateway"), so page links work behind a proxy path. */
export function basePath(rootUrl: string): string {
  try {
    return new URL(rootUrl).pathname.replace(/\/+$/, '');
  } catch {
    return '';
  }
}

/** One string field of a parsed form or query ("" when absent, repeated or not text). */
export function field(source: unknown, name: string): string {
  const value = source && typeof source === 'object' ? (source as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : '';
}

/** "E-mail ID" → "e-mail ID", to use a label inside a sentence. */
export function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
