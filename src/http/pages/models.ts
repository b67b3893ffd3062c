import type { Translator } from '../../i18n/languages';
import type { Channel, ChannelLabels } from '../../otp/channels';
import type { Otp } from '../../otp/types';
import { addressInputType, labelsIn } from './labels';
import { maskAddress } from './mask';

/** Branding and URL settings every page needs. */
export interface PageBrand {
  /** Path prefix of `root_url` ("" or "/otp-gateway"), so links work behind a proxy path. */
  base: string;
  logoUrl: string;
  faviconUrl: string;
}

/** Where a page is and how it was asked for. */
export interface PageContext {
  brand: PageBrand;
  namespace: string;
  id: string;
  /** `?view=popup`: the page is inside the otp.js modal. */
  popup: boolean;
  /** The host page origin given by otp.js (already validated), or "". */
  origin: string;
  /** Where popup pages may post messages to the host page ("" = nowhere). */
  target: string;
}

/** The page URL of an OTP (path only), keeping the popup parameters. */
export function pagePath(ctx: PageContext, suffix = ''): string {
  const path = `${ctx.brand.base}/otp/${encodeURIComponent(ctx.namespace)}/${encodeURIComponent(ctx.id)}${suffix}`;
  if (!ctx.popup) return path;
  const query = new URLSearchParams({ view: 'popup' });
  if (ctx.origin) query.set('origin', ctx.origin);
  return `${path}?${query.toString()}`;
}

function common(ctx: PageContext, tr: Translator, title: string): Record<string, unknown> {
  return {
    title,
    lang: tr.lang,
    dir: tr.dir,
    brandText: tr.t('page.brand'),
    footerText: tr.t('page.footer'),
    base: ctx.brand.base,
    logoUrl: ctx.brand.logoUrl,
    faviconUrl: ctx.brand.faviconUrl,
    popup: ctx.popup,
    namespace: ctx.namespace,
    id: ctx.id,
    target: ctx.popup ? ctx.target : '',
  };
}

/** What the code page shows besides the OTP itself; `error` and `notice` are sentences already in the page's language. */
export interface CodePageState {
  error?: string;
  notice?: string;
  /** The code from an e-mail link: shown filled in with one Confirm button. */
  prefill?: string;
  codeLength: number;
  numeric: boolean;
  /** The redirect flow's signed return ticket for the forms ("" outside that flow). */
  returnTicket?: string;
}

/** Model of views/otp.njk. */
export function codePageModel(ctx: PageContext, tr: Translator, otp: Otp, channel: Channel | undefined, state: CodePageState): object {
  const l = labelsIn(tr, channel);
  const confirm = state.prefill !== undefined;
  const heading = confirm ? tr.t('code.confirm_heading') : tr.t('page.heading', { channel: l.channelName });
  const attemptsLeft = Math.max(0, otp.max_attempts - otp.attempts);
  return {
    ...common(ctx, tr, heading),
    heading,
    description: confirm ? tr.t('code.confirm_description') : otp.channel_description || l.channelDescription,
    sentTo: tr.t('code.sent_to'),
    destination: maskAddress(otp.to),
    label: tr.t(confirm ? 'code.label_confirm' : 'code.label'),
    button: tr.t(confirm ? 'code.confirm' : 'code.verify'),
    action: pagePath(ctx),
    statusUrl: `${ctx.brand.base}/otp/${encodeURIComponent(ctx.namespace)}/${encodeURIComponent(ctx.id)}/status`,
    codeLength: state.codeLength,
    numeric: state.numeric,
    attemptsText: tr.t('code.attempts_left', { count: attemptsLeft, max: otp.max_attempts }),
    ttl: otp.ttl,
    expiresText: tr.t('code.expires_in', { time: formatDuration(tr, otp.ttl) }),
    // page.js puts the live m:ss countdown in place of "{time}".
    countdownText: tr.t('code.expires_in', { time: '{time}' }),
    expiredText: tr.t('code.expired'),
    // A closed record (a wrong code after a verification) neither resends nor polls: its poll would flip the page to "Verified".
    canResend: !confirm && !otp.closed && otp.generate < otp.max_generate,
    poll: !otp.closed,
    noCodeText: tr.t('code.no_code'),
    resendText: tr.t('code.resend'),
    prefill: state.prefill ?? '',
    error: state.error ?? '',
    notice: state.notice ?? '',
    ...redirectFlowModel(ctx, tr, state.returnTicket),
  };
}

/** What views/redirect-*.njk show: the return ticket of the forms and the Cancel link, only in the redirect flow. */
function redirectFlowModel(ctx: PageContext, tr: Translator, ticket: string | undefined): object {
  return { returnTicket: ticket ?? '', cancelText: tr.t('code.cancel'), cancelAction: pagePath(ctx) };
}

/** Model of views/address.njk. */
export function addressPageModel(ctx: PageContext, tr: Translator, otp: Otp, channel: Channel | undefined, state: { error?: string; value?: string; returnTicket?: string }): object {
  const l = labelsIn(tr, channel);
  const heading = tr.t('page.heading', { channel: l.channelName });
  return {
    ...common(ctx, tr, heading),
    heading,
    description: otp.address_description || l.addressDescription,
    addressName: l.addressName,
    maxLength: channel?.maxAddressLength ?? 256,
    inputType: addressInputType(channel),
    action: pagePath(ctx, '/address'),
    value: state.value ?? '',
    error: state.error ?? '',
    continueText: tr.t('address.continue'),
    noteText: tr.t('address.note'),
    ...redirectFlowModel(ctx, tr, state.returnTicket),
  };
}

/** The end states shown on the message page. */
export type MessageKind = 'expired' | 'locked' | 'verified' | 'error' | 'not_allowed' | 'not_found';

const TONES: Record<MessageKind, 'ok' | 'bad' | 'neutral'> = {
  expired: 'neutral',
  locked: 'bad',
  verified: 'ok',
  error: 'bad',
  not_allowed: 'bad',
  not_found: 'neutral',
};

/** Model of views/message.njk; a verified page carries what page.js posts to the host page. */
export function messagePageModel(
  ctx: PageContext,
  tr: Translator,
  kind: MessageKind,
  options: { retryAfter?: number; labels?: ChannelLabels; token?: string } = {},
): object {
  const heading = tr.t(`message.${kind}_heading`);
  let text = tr.t(`message.${kind}_text`);
  if (kind === 'verified' && options.labels) text = tr.t('message.verified_address', { address: options.labels.addressName });
  if (kind === 'verified') text += ` ${tr.t(ctx.popup ? 'message.verified_continue' : 'message.verified_close')}`;
  if (kind === 'locked' && options.retryAfter) text = tr.t('message.locked_retry', { time: formatDuration(tr, options.retryAfter) });
  return {
    ...common(ctx, tr, heading),
    heading,
    text,
    tone: TONES[kind],
    kind,
    // The verified page tells the host page (through page.js) that the flow finished.
    finish: kind === 'verified' && ctx.target !== '',
    target: ctx.target,
    // The result token page.js posts with the finish message (only in the modal, to the allowed host origin).
    token: kind === 'verified' && ctx.popup && ctx.target !== '' ? options.token ?? '' : '',
  };
}

/** "4 minutes 59 seconds" in the page's language, for the no-JavaScript countdown and the lock time. */
export function formatDuration(tr: Translator, seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const minutes = Math.floor(s / 60);
  const rest = s % 60;
  if (minutes === 0) return tr.t('duration.seconds', { count: rest });
  if (rest === 0) return tr.t('duration.minutes', { count: minutes });
  return tr.t('duration.minutes_and_seconds', { minutes: tr.t('duration.minutes', { count: minutes }), seconds: tr.t('duration.seconds', { count: rest }) });
}
