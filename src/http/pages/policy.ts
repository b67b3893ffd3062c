import type { Response } from 'express';
import type { Logger } from '../../log/logger';

/**
 * The security policy of the public pages: their CSP, who may frame them,
 * and where the verified page may post its message. The rest of the page
 * headers (no-store, no-referrer, nosniff) are src/security/headers.ts.
 */

/** What the policy is decided from: branding origins and each namespace's allowed host origins. */
export interface PagePolicySettings {
  logoUrl: string;
  faviconUrl: string;
  /** Every namespace, with the host origins allowed to embed its pages (empty: any, compat). */
  namespaces: ReadonlyMap<string, readonly string[]>;
}

/**
 * Pages must be framable by the host page (helmet's defaults forbid it):
 * `frame-ancestors` is the namespace's allowed_origins, or any origin when it
 * sets none (compat). Scripts and styles come only from this origin; no inline script.
 * Returns the function that sets the CSP for the allowed list of one page.
 */
export function pagePolicy(settings: PagePolicySettings, logger?: Logger): (res: Response, allowed: readonly string[], formOrigins?: readonly string[]) => void {
  const images = ["'self'", 'data:', ...new Set([settings.logoUrl, settings.faviconUrl].filter(Boolean).map((u) => new URL(u).origin))];
  const csp = (ancestors: string): string =>
    [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      `img-src ${images.join(' ')}`,
      "connect-src 'self'",
      "form-action 'self'",
      "base-uri 'none'",
      `frame-ancestors ${ancestors}`,
    ].join('; ');
  const cache = new Map<readonly string[], string>();
  for (const [namespace, origins] of settings.namespaces) {
    const bad = origins.filter((o) => validOrigin(o) !== o);
    if (bad.length > 0) logger?.warn({ namespace, origins: bad }, 'auth.allowed_origins: entries that are not origins (scheme://host[:port]) are ignored');
    const good = origins.filter((o) => validOrigin(o) === o);
    cache.set(origins, csp(good.length > 0 ? good.join(' ') : origins.length > 0 ? "'none'" : '*'));
  }
  const open = csp('*');
  // The redirect flow: a form of the page is answered with a 303 to the namespace's redirect_uris, and
  // browsers apply form-action to where a form's answer redirects too.
  const withForms = new Map<string, string>();
  return (res, allowed, formOrigins = []) => {
    const base = cache.get(allowed) ?? open;
    if (formOrigins.length === 0) return void res.setHeader('Content-Security-Policy', base);
    const key = `${base}\u0000${formOrigins.join(' ')}`;
    let policy = withForms.get(key);
    if (policy === undefined) {
      policy = base.replace("form-action 'self'", `form-action 'self' ${formOrigins.join(' ')}`);
      withForms.set(key, policy);
    }
    res.setHeader('Content-Security-Policy', policy);
  };
}

/** Where the verified page posts its message: the host origin when allowed, "*" when the namespace sets no list (compat). */
export function postTarget(allowed: readonly string[], origin: string): string | null {
  if (allowed.length === 0) return origin || '*';
  return origin && allowed.includes(origin) ? origin : null;
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
