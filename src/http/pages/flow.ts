import type { Request, Response } from 'express';
import { AppError } from '../../errors';
import type { Logger } from '../../log/logger';
import { isValidId } from '../../otp/ids';
import type { OtpService } from '../../otp/service';
import type { PageOtp } from '../../otp/types';
import type { OtpKey } from '../../store/store';
import { basePath, lowerFirst } from './forms';
import {
  addressPageModel, codePageModel, labelsOf, messagePageModel, pagePath,
  type CodePageState, type MessageKind, type PageBrand, type PageContext,
} from './models';
import { pagePolicy, postTarget, validOrigin } from './policy';
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
}

/** One page request: where it is, what it may do, how to answer. */
export interface Page {
  ctx: PageContext;
  /** null when the namespace is unknown or the id malformed: such pages are "expired" (no leak of namespaces). */
  key: OtpKey | null;
  res: Response;
}

/** The form a user submitted: the code form or the address form. */
export type PageForm = 'code' | 'address';

/** The page flow of one gateway. */
export class PageFlow {
  private readonly render: RenderView = createViewRenderer();
  private readonly policy: ReturnType<typeof pagePolicy>;
  private readonly brand: PageBrand;

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
    this.policy(res, allowed);
    return {
      ctx: { brand: this.brand, namespace, id, popup: req.query.view === 'popup', origin, target: postTarget(allowed, origin) ?? '' },
      key: known && isValidId(id) ? { namespace, id } : null,
      res,
    };
  }

  /** A page for a request that reached no OTP route (the surface's 404 and error pages). */
  bare(res: Response): Page {
    this.policy(res, []);
    return { ctx: { brand: this.brand, namespace: '', id: '', popup: false, origin: '', target: '' }, key: null, res };
  }

  /** An end state on the message page. */
  message(p: Page, kind: MessageKind, status: number, options?: Parameters<typeof messagePageModel>[2]): void {
    this.show(p, status, 'message.njk', messagePageModel(p.ctx, kind, options));
  }

  /** The verified page (in the modal it tells the host page). */
  verified(p: Page, provider: string): void {
    this.message(p, 'verified', 200, { addressName: this.service.channelFor(provider)?.labels.addressName });
  }

  /** The code form, unless the record's state calls for another page. `wrongCode`: see `current`. */
  async codePage(p: Page, status: number, state: Omit<CodePageState, 'codeLength' | 'numeric'> = {}, wrongCode = false): Promise<void> {
    const found = await this.current(p, 'code', wrongCode);
    if (!found) return;
    const labels = labelsOf(this.service.channelFor(found.otp.provider));
    this.show(p, status, 'otp.njk', codePageModel(p.ctx, found.otp, labels, { ...state, codeLength: found.codeLength, numeric: found.numeric }));
  }

  /** The address form, unless the record's state calls for another page. */
  async addressPage(p: Page, status: number, state: { error?: string; value?: string } = {}): Promise<void> {
    const found = await this.current(p, 'address');
    if (!found) return;
    this.show(p, status, 'address.njk', addressPageModel(p.ctx, found.otp, this.service.channelFor(found.otp.provider), state));
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
    if (state.show === 'code') return this.codePage(p, err.status, { error: state.error }, err.code === 'incorrect_otp');
    if (form === 'code') return this.codePage(p, err.status, { error: err.message });
    const error = err.code === 'invalid_field' ? addressReason(await this.addressLabel(p), err.message) : err.message;
    return this.addressPage(p, err.status, { error, value });
  }

  /** The label of the address input of this OTP's channel ("E-mail ID"), for sentences. */
  async addressLabel(p: Page): Promise<string> {
    const provider = p.key ? (await this.service.find(p.key))?.provider : undefined;
    return (provider && this.service.channelFor(provider)?.labels.addressName) || 'address';
  }

  private show(p: Page, status: number, view: string, model: object): void {
    p.res.status(status).type('html').send(this.render(view, model));
  }

  /**
   * The OTP when `form` can be shown for it; otherwise answers what its state
   * calls for and returns null. `wrongCode`: a wrong code was just entered, so
   * the code form shows even when the record is closed (a wrong code is a wrong code).
   */
  private async current(p: Page, form: PageForm, wrongCode = false): Promise<PageOtp | null> {
    const found = p.key ? await this.service.findForPage(p.key) : null;
    if (!found) this.message(p, 'expired', 404);
    else if (found.otp.closed && !wrongCode) this.verified(p, found.otp.provider);
    else if (!found.otp.closed && found.otp.attempts >= found.otp.max_attempts) this.message(p, 'locked', 429, { retryAfter: found.otp.ttl });
    else if ((form === 'address') !== (found.otp.to === '')) p.res.redirect(302, pagePath(p.ctx, form === 'address' ? '' : '/address'));
    else return found;
    return null;
  }
}

/** "Please check the e-mail ID: it is not a valid e-mail address." from the provider's reason. */
function addressReason(label: string, message: string): string {
  return `Please check the ${lowerFirst(label)}: ${message.replace(/^Invalid `to` address: /, '')}`;
}
