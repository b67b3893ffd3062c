import type { Request, Response } from 'express';
import { AppError } from '../../errors';
import { REFERENCE_LANGUAGE } from '../../i18n/catalogs';
import { chooseLanguage, languagePreferences, type LanguageDefaults } from '../../i18n/choose';
import { shippedLanguages, type TranslationVars, type Translator } from '../../i18n/languages';
import type { Logger } from '../../log/logger';
import type { ChannelLabels } from '../../otp/channels';
import { isValidId } from '../../otp/ids';
import type { OtpService } from '../../otp/service';
import type { RedirectTarget } from '../../otp/results';
import type { Otp, PageOtp, VerifiedOtp } from '../../otp/types';
import type { ReturnTickets } from '../../signing/return-ticket';
import type { OtpKey } from '../../store/store';
import { basePath, field } from './forms';
import { labelsIn } from './labels';
import {
  addressPageModel, codePageModel, messagePageModel, pagePath,
  type MessageKind, type PageBrand, type PageContext,
} from './models';
import { pagePolicy, postTarget, validOrigin } from './policy';
import { redirectTargetOf, returnTicketFor, returnUrl, type RedirectOutcome } from './redirect';
import { pageStateOf } from './states';
import { createViewRenderer, type RenderView } from './views';

/**
 * The page flow: which page a record's state calls for (needs an address,
 * open, verified, expired, locked), and how an error of a form is shown
 * (states.ts). The route table (routes.ts) calls these; they render through
 * one renderer, the nunjucks views.
 */

/** What the public pages need from `[app]` and `[auth.*]`. */
export interface PageSettings {
  rootUrl: string;
  logoUrl: string;
  faviconUrl: string;
  /** Every namespace, with the host origins allowed to embed its pages (empty: any, compat). */
  namespaces: ReadonlyMap<string, readonly string[]>;
  /** `app.default_language` and the namespaces' `default_language` (English when absent). */
  languages?: LanguageDefaults;
  /** The redirect flow's return tickets (`[signing]`); absent: pages carry none. */
  returns?: ReturnTickets;
  /** Each namespace's redirect_uris origins: its pages' forms may be answered with a redirect there (CSP form-action). */
  redirectOrigins?: ReadonlyMap<string, readonly string[]>;
}

/** One page request: where it is, what it may do, how to answer. */
export interface Page {
  ctx: PageContext;
  /** null when the namespace is unknown or the id malformed: such pages are "expired" (no leak of namespaces). */
  key: OtpKey | null;
  res: Response;
  /** The browser's Accept-Language header ("" when absent). */
  acceptLanguage: string;
  /** The OTP's own language, looked up once per request (when the flow found the record, from it). */
  otpLang?: Promise<string | undefined>;
  /** The redirect flow's target, looked up once per request (undefined: not a redirect flow). */
  redirect?: Promise<RedirectTarget | undefined>;
  /** The return ticket the submitted form carried ("" when none). */
  ticket: string;
}

/** A sentence of a page, written once the page's language and the channel's labels are known. */
export type Sentence = (tr: Translator, labels: ChannelLabels) => string;

/** The sentence at a catalog key. */
export function say(key: string, vars?: TranslationVars): Sentence {
  return (tr) => tr.t(key, vars);
}

/** What the code page shows besides the OTP itself. */
export interface CodeState {
  error?: Sentence;
  notice?: Sentence;
  /** The code from an e-mail link: shown filled in with one Confirm button. */
  prefill?: string;
}

/** The form a user submitted: the code form or the address form. */
export type PageForm = 'code' | 'address';

/** The page flow of one gateway. */
export class PageFlow {
  private readonly render: RenderView = createViewRenderer();
  private readonly policy: ReturnType<typeof pagePolicy>;
  private readonly brand: PageBrand;
  private readonly languages = shippedLanguages();

  constructor(
    private readonly service: OtpService,
    private readonly settings: PageSettings,
    logger: Logger,
  ) {
    this.policy = pagePolicy(settings, logger);
    this.brand = { base: basePath(settings.rootUrl), logoUrl: settings.logoUrl, faviconUrl: settings.faviconUrl };
  }

  /** Open a page request: its context, its key, and the page CSP for its namespace. */
  open(req: Request, res: Response): Page {
    const namespace = String(req.params.ns);
    const id = String(req.params.id);
    const known = this.settings.namespaces.get(namespace);
    const origin = validOrigin(req.query.origin);
    const allowed = known ?? [];
    this.policy(res, allowed, (known && this.settings.redirectOrigins?.get(namespace)) || []);
    return {
      ctx: { brand: this.brand, namespace, id, popup: req.query.view === 'popup', origin, target: postTarget(allowed, origin) ?? '' },
      key: known && isValidId(id) ? { namespace, id } : null,
      res,
      acceptLanguage: req.get('accept-language') ?? '',
      // Only a form POST carries one; the query string never does (a redirect target is never taken from a URL).
      ticket: req.method === 'POST' ? field(req.body, 'return').slice(0, 4096) : '',
    };
  }

  /** A page for a request that reached no OTP route (the surface's 404 and error pages). */
  bare(req: Request, res: Response): Page {
    this.policy(res, []);
    return { ctx: { brand: this.brand, namespace: '', id: '', popup: false, origin: '', target: '' }, key: null, res, acceptLanguage: req.get('accept-language') ?? '', ticket: '' };
  }

  /** An end state on the message page; in the redirect flow, expired and locked send the browser back instead. */
  async message(p: Page, kind: MessageKind, status: number, options: { retryAfter?: number } = {}): Promise<void> {
    if (kind === 'expired' || kind === 'locked') {
      const target = await this.redirectTarget(p);
      if (target) return this.sendBack(p, target, { error: kind });
    }
    this.show(p, status, 'message.njk', messagePageModel(p.ctx, await this.translator(p), kind, options));
  }

  /**
   * The verified page: in the redirect flow, a 303 back with the result token;
   * in the modal, the page tells the host page (with the token under `[signing]`).
   * A token comes only from the verify of this request (`otp.token`): it goes to
   * the browser that typed the right code, never to a GET of a verified page,
   * which anyone with the OTP id may send (the token holds the unmasked address).
   */
  async verified(p: Page, otp: Otp | VerifiedOtp): Promise<void> {
    const target = await this.redirectTarget(p);
    const token = 'token' in otp ? otp.token : undefined;
    if (target && token) return this.sendBack(p, target, { token });
    const tr = await this.translator(p);
    const channel = this.service.channelFor(otp.provider);
    // The modal gets the token only from a namespace that lists its host origins: without the list the
    // page posts to whatever origin framed it (Go-compatible), and a token must not go to just anyone.
    const posted = (this.settings.namespaces.get(p.ctx.namespace) ?? []).length > 0 ? token : undefined;
    this.show(p, 200, 'message.njk', messagePageModel(p.ctx, tr, 'verified', { labels: channel && labelsIn(tr, channel), token: posted }));
  }

  /** The redirect flow's Cancel: delete the OTP and send the browser back with `error=access_denied`. */
  async cancel(p: Page): Promise<void> {
    const target = await this.redirectTarget(p);
    if (!target || !p.key) return this.codePage(p, 400, { error: say('errors.unknown_action') });
    await this.service.cancel(p.key).catch(() => undefined); // already gone: the user still gave up
    return this.sendBack(p, target, { error: 'access_denied' });
  }

  /** Where this page's redirect flow returns the browser (redirect.ts), looked up once per request. */
  private redirectTarget(p: Page): Promise<RedirectTarget | undefined> {
    p.redirect ??= p.key ? redirectTargetOf(this.service, this.settings.returns, p.key, p.ticket) : Promise.resolve(undefined);
    return p.redirect;
  }

  private sendBack(p: Page, target: RedirectTarget, outcome: RedirectOutcome): void {
    p.res.redirect(303, returnUrl(target, outcome));
  }

  /** A return ticket for the forms of a redirect-flow page ("" outside that flow). */
  private returnTicket(p: Page, found: PageOtp): Promise<string> {
    return p.key ? returnTicketFor(this.settings.returns, p.key, found) : Promise.resolve('');
  }

  /** The code form, unless the record's state calls for another page. `wrongCode`: see `current`. */
  async codePage(p: Page, status: number, state: CodeState = {}, wrongCode = false): Promise<void> {
    const found = await this.current(p, 'code', wrongCode);
    if (!found) return;
    const tr = await this.translator(p);
    const channel = this.service.channelFor(found.otp.provider);
    const labels = labelsIn(tr, channel);
    this.show(p, status, 'otp.njk', codePageModel(p.ctx, tr, found.otp, channel, {
      prefill: state.prefill,
      error: state.error?.(tr, labels),
      notice: state.notice?.(tr, labels),
      codeLength: found.codeLength,
      numeric: found.numeric,
      returnTicket: await this.returnTicket(p, found),
    }));
  }

  /** The address form, unless the record's state calls for another page. */
  async addressPage(p: Page, status: number, state: { error?: Sentence; value?: string } = {}): Promise<void> {
    const found = await this.current(p, 'address');
    if (!found) return;
    const tr = await this.translator(p);
    const channel = this.service.channelFor(found.otp.provider);
    this.show(p, status, 'address.njk', addressPageModel(p.ctx, tr, found.otp, channel, {
      error: state.error?.(tr, labelsIn(tr, channel)),
      value: state.value,
      returnTicket: await this.returnTicket(p, found),
    }));
  }

  /** Back to the code page after the address form (keeping the popup parameters). */
  toCodePage(p: Page): void {
    p.res.redirect(302, pagePath(p.ctx));
  }

  /** Show an error of the form the user submitted, as states.ts says; anything not an AppError goes on to the error page. */
  async reactTo(p: Page, err: unknown, form: PageForm, value = ''): Promise<void> {
    if (!(err instanceof AppError)) throw err;
    const state = pageStateOf(err.code, err.status);
    if (err.retryAfter !== undefined) p.res.setHeader('Retry-After', String(err.retryAfter));
    if (state.show === 'message') return this.message(p, state.kind, state.status ?? err.status, { retryAfter: err.retryAfter });
    if (state.show === 'redirect') return this.toCodePage(p);
    if (state.show === 'code') return this.codePage(p, err.status, { error: say(state.error) }, err.code === 'incorrect_otp');
    if (form === 'code') return this.codePage(p, err.status, { error: formError(err) });
    return this.addressPage(p, err.status, { error: formError(err), value });
  }

  private show(p: Page, status: number, view: string, model: object): void {
    p.res.status(status).type('html').send(this.render(view, model));
  }

  /** The page's language (i18n.md): the OTP's own, the browser's, the namespace's default, the app's. */
  private async translator(p: Page): Promise<Translator> {
    // A store that fails here fails the page's own step too; the language alone is not worth an error page.
    p.otpLang ??= p.key ? this.service.languageOf(p.key).catch(() => undefined) : Promise.resolve(undefined);
    const defaults = this.settings.languages ?? { app: REFERENCE_LANGUAGE, namespaces: new Map<string, string>() };
    const preferences = languagePreferences(defaults, { namespace: p.ctx.namespace, lang: await p.otpLang, acceptLanguage: p.acceptLanguage });
    return this.languages.translator(chooseLanguage(this.languages.tags, preferences) ?? REFERENCE_LANGUAGE);
  }

  /**
   * The OTP when `form` can be shown for it; otherwise answers what its state
   * calls for and returns null. `wrongCode`: a wrong code was just entered, so
   * the code form shows even when the record is closed (a wrong code is a wrong code).
   */
  private async current(p: Page, form: PageForm, wrongCode = false): Promise<PageOtp | null> {
    const found = p.key ? await this.service.findForPage(p.key) : null;
    p.otpLang = Promise.resolve(found?.lang);
    if (found) p.redirect = Promise.resolve(found.redirect);
    if (!found) await this.message(p, 'expired', 404);
    else if (found.otp.closed && !wrongCode) await this.verified(p, found.otp);
    else if (!found.otp.closed && found.otp.attempts >= found.otp.max_attempts) await this.message(p, 'locked', 429, { retryAfter: found.otp.ttl });
    else if ((form === 'address') !== (found.otp.to === '')) p.res.redirect(302, pagePath(p.ctx, form === 'address' ? '' : '/address'));
    else return found;
    return null;
  }
}

/** The sentence under the form for an error the form itself caused (a bad address, the per-address send limit). */
function formError(err: AppError): Sentence {
  if (err.code === 'rate_limited') return say('errors.rate_limited', { count: err.retryAfter ?? 60 });
  if (err.code === 'country_not_allowed') return (tr) => tr.t('errors.country_not_allowed', { country: countryName(tr.lang, err.data) });
  if (err.code === 'invalid_field') {
    // The provider's reason is English; catalogs of other languages leave {{reason}} out.
    return (tr, labels) => tr.t('errors.invalid_address', { label: labels.addressName, reason: err.message.replace(/^Invalid `to` address: /, '') });
  }
  return () => err.message;
}

/** The name of the country a `country_not_allowed` error names, in the page's language ("Vereinigtes Königreich"). */
function countryName(lang: string, data: unknown): string {
  const code = typeof data === 'object' && data !== null && 'country' in data && typeof data.country === 'string' ? data.country : '';
  if (code === '') return '+800, +882…';
  return new Intl.DisplayNames([lang, 'en'], { type: 'region', fallback: 'code' }).of(code) ?? code;
}
