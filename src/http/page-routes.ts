import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response, Router } from 'express';
import type { Logger } from '../logger';
import type { OtpService, PageOtp } from '../otp/service';
import type { OtpKey } from '../store/store';
import { sendData, sendError } from './envelope';
import { applyErrorHeaders, logError, toAppError } from './error-handler';
import { isValidId, MAX_CODE_LENGTH } from './inputs';
import { addressPageModel, codePageModel, messagePageModel, pagePath, type CodePageState, type MessageKind, type PageContext } from './page-model';
import { basePath, field, lowerFirst, validOrigin } from './page-support';
import { createViewRenderer } from './views';

export { staticAssets } from './page-support';

/** What the public pages need from `[app]` and `[auth.*]`. */
export interface PageSettings {
  rootUrl: string;
  logoUrl: string;
  faviconUrl: string;
  /** Every namespace, with the host origins allowed to embed its pages (empty: any, compat). */
  namespaces: ReadonlyMap<string, readonly string[]>;
}

/** What the public page surface is built from. */
export interface PageDeps {
  service: OtpService;
  logger: Logger;
  pages: PageSettings;
  /** Middleware run before every page load and form POST (rate limits); not before the status poll. */
  guards?: RequestHandler[];
}


/** One page request: where it is, what it may do, how to answer. */
interface Page {
  ctx: PageContext;
  /** null when the namespace is unknown or the id malformed: such pages are "expired" (no leak of namespaces). */
  key: OtpKey | null;
  allowed: readonly string[];
  res: Response;
}

/**
 * The public page route table: the code page, the address page, the status
 * poll, and their end states. Handlers translate forms to lifecycle calls.
 */
export function pageRouter(deps: PageDeps): Router {
  const { service } = deps;
  const render = createViewRenderer();
  const headers = pageHeaderPolicy(deps.pages, deps.logger);
  const brand = { base: basePath(deps.pages.rootUrl), logoUrl: deps.pages.logoUrl, faviconUrl: deps.pages.faviconUrl };
  const guards = deps.guards ?? [];
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 20 });

  const open = (req: Request, res: Response): Page => {
    const namespace = String(req.params.ns);
    const id = String(req.params.id);
    const known = deps.pages.namespaces.get(namespace);
    const popup = req.query.view === 'popup';
    const origin = validOrigin(req.query.origin);
    const allowed = known ?? [];
    const page: Page = {
      ctx: { brand, namespace, id, popup, origin, target: postTarget(allowed, origin) ?? '' },
      key: known && isValidId(id) ? { namespace, id } : null,
      allowed,
      res,
    };
    res.locals.page = page;
    headers(res, page.allowed);
    return page;
  };
  const show = (p: Page, status: number, view: string, model: object): void => {
    p.res.status(status).type('html').send(render(view, model));
  };
  const message = (p: Page, status: number, kind: MessageKind, options?: Parameters<typeof messagePageModel>[2]): void =>
    show(p, status, 'message.njk', messagePageModel(p.ctx, kind, options));
  const verified = (p: Page, provider: string): void =>
    message(p, 200, 'verified', { addressName: service.providerFor(provider)?.provider.addressName });

  /** The OTP when its page can be shown; otherwise answers the state that ends the flow and returns null. */
  const openState = async (p: Page, options: { needsAddress: boolean }): Promise<PageOtp | null> => {
    const found = p.key ? await service.findForPage(p.key) : null;
    if (!found) {
      message(p, 404, 'expired');
    } else if (found.otp.closed) {
      verified(p, found.otp.provider);
    } else if (found.otp.attempts >= found.otp.max_attempts) {
      message(p, 429, 'locked', { retryAfter: found.otp.ttl });
    } else if (options.needsAddress !== (found.otp.to === '')) {
      p.res.redirect(302, pagePath(p.ctx, options.needsAddress ? '' : '/address'));
    } else {
      return found;
    }
    return null;
  };
  const showCode = async (p: Page, status: number, state: Omit<CodePageState, 'codeLength' | 'numeric'>): Promise<void> => {
    const found = await openState(p, { needsAddress: false });
    if (!found) return;
    const model = codePageModel(p.ctx, found.otp, service.providerFor(found.otp.provider), { ...state, codeLength: found.codeLength, numeric: found.numeric });
    show(p, status, 'otp.njk', model);
  };
  const showAddress = async (p: Page, status: number, state: { error?: string; value?: string }): Promise<void> => {
    const found = await openState(p, { needsAddress: true });
    if (!found) return;
    show(p, status, 'address.njk', addressPageModel(p.ctx, found.otp, service.providerFor(found.otp.provider), state));
  };

  const router = Router();

  router.get('/otp/:ns/:id/status', async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const namespace = String(req.params.ns);
    const id = String(req.params.id);
    const found = deps.pages.namespaces.has(namespace) && isValidId(id) ? await service.find({ namespace, id }) : null;
    if (!found) return sendError(res, 404, 'The OTP does not exist or has expired.');
    sendData(res, { closed: found.closed });
  });

  router.get('/otp/:ns/:id/address', ...guards, async (req, res) => showAddress(open(req, res), 200, {}));

  router.post('/otp/:ns/:id/address', ...guards, form, async (req, res) => {
    const p = open(req, res);
    if (!p.key) return message(p, 404, 'expired');
    const to = field(req.body, 'to').trim();
    const providerId = (await service.findForPage(p.key))?.otp.provider;
    const label = (providerId && service.providerFor(providerId)?.provider.addressName) || 'address';
    if (!to) return showAddress(p, 400, { error: `Enter your ${lowerFirst(label)}.` });
    try {
      await service.setAddress(p.key, to);
      return p.res.redirect(302, pagePath(p.ctx));
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'invalid_input') return showAddress(p, 400, { error: addressReason(label, e.message), value: to });
      if (e.code === 'address_already_set') return p.res.redirect(302, pagePath(p.ctx));
      if (e.code === 'otp_not_found') return message(p, 404, 'expired');
      if (e.code === 'send_failed') return showCode(p, 502, { error: 'We could not send the code. Please use Resend in a moment.' });
      if (e.status < 500) {
        applyErrorHeaders(p.res, e); // a rate-limit refusal carries Retry-After
        return showAddress(p, e.status, { error: e.message, value: to });
      }
      throw err;
    }
  });

  router.get('/otp/:ns/:id', ...guards, async (req, res) => {
    const p = open(req, res);
    const link = req.query.action === 'check' ? field(req.query, 'otp').replace(/\s+/g, '') : '';
    // The e-mail link never verifies on GET (mail scanners follow links): it only fills the code in.
    return showCode(p, 200, link && link.length <= MAX_CODE_LENGTH ? { prefill: link } : {});
  });

  router.post('/otp/:ns/:id', ...guards, form, async (req, res) => {
    const p = open(req, res);
    if (!p.key) return message(p, 404, 'expired');
    const action = field(req.body, 'action') || 'check';
    if (action === 'resend') return resend(p, p.key);
    if (action !== 'check') return showCode(p, 400, { error: 'Unknown action. Use the Verify or Resend button.' });
    const code = field(req.body, 'otp').replace(/\s+/g, '');
    if (!code) return showCode(p, 400, { error: 'Enter the code you received.' });
    if (code.length > MAX_CODE_LENGTH) return showCode(p, 400, { error: `The code is too long: it has at most ${MAX_CODE_LENGTH} characters.` });
    try {
      // skipDelete: the record stays closed so that the host backend can confirm with /api/otp/:id/status.
      const otp = await service.verify(p.key, code, { skipDelete: true });
      return verified(p, otp.provider);
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'incorrect_otp') return showCode(p, 400, { error: 'Incorrect OTP.' });
      if (e.code === 'too_many_attempts') return message(p, 429, 'locked', { retryAfter: e.retryAfter });
      if (e.code === 'otp_not_found') return message(p, 404, 'expired');
      throw err;
    }
  });

  const resend = async (p: Page, key: OtpKey): Promise<void> => {
    try {
      const otp = await service.resend(key);
      if (otp.closed) return verified(p, otp.provider);
      return showCode(p, 200, { notice: 'We have sent the code again.' });
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'attempts_exceeded') return showCode(p, 429, { error: 'No more codes can be sent for this verification. Use the code you already received.' });
      if (e.code === 'send_failed') return showCode(p, 502, { error: 'We could not send the code. Please try again in a moment.' });
      if (e.code === 'otp_not_found') return message(p, 404, 'expired');
      if (e.status < 500) {
        applyErrorHeaders(p.res, e);
        return showCode(p, e.status, { error: e.message });
      }
      throw err;
    }
  };

  router.use(pageErrorHandler(deps.logger, (res, status, kind, retryAfter) => {
    const p = (res.locals.page as Page | undefined) ?? { ctx: { brand, namespace: '', id: '', popup: false, origin: '', target: '' }, key: null, allowed: [], res };
    headers(res, p.allowed);
    message(p, status, kind, { retryAfter });
  }));
  return router;
}

/** Render any error of a page request as a message page (never a stack trace). */
function pageErrorHandler(logger: Logger, answer: (res: Response, status: number, kind: MessageKind, retryAfter?: number) => void): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const e = toAppError(err);
    logError(logger, req, e, err);
    if (res.headersSent) return;
    applyErrorHeaders(res, e);
    answer(res, e.status, e.status === 429 ? 'not_allowed' : 'error', e.retryAfter);
  };
}

/**
 * Where the page CSP is decided (the rest of the page headers: securityHeaders()).
 * Pages must be framable by the host page (helmet's defaults forbid it): `frame-ancestors` is the namespace's
 * allowed_origins, or any origin when it sets none (compat). Scripts and styles
 * come only from this origin; no inline script.
 */
export function pageHeaderPolicy(settings: PageSettings, logger?: Logger): (res: Response, allowed: readonly string[]) => void {
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
  // The surface-wide page headers (no-store, no-referrer, nosniff, no X-Frame-Options) come from
  // securityHeaders() in front of this router; only the CSP depends on the namespace.
  return (res, allowed) => {
    res.setHeader('Content-Security-Policy', cache.get(allowed) ?? open);
  };
}

/** Where the verified page posts its message: the host origin when allowed, "*" when the namespace sets no list (compat). */
export function postTarget(allowed: readonly string[], origin: string): string | null {
  if (allowed.length === 0) return origin || '*';
  return origin && allowed.includes(origin) ? origin : null;
}

/** "Please check the e-mail ID: it is not a valid e-mail address." from the provider's reason. */
function addressReason(label: string, message: string): string {
  const reason = message.replace(/^Invalid `to` address: /, '');
  return `Please check the ${lowerFirst(label)}: ${reason}`;
}

