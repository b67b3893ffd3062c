import type { Channel, ChannelLabels } from '../../otp/channels';
import type { Otp } from '../../otp/types';
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

/** Labels of a channel that is no longer enabled (its OTPs may still be open). */
const GENERIC_LABELS: ChannelLabels = {
  channelName: 'Address',
  addressName: 'Address',
  channelDescription: 'We have sent you a verification code. Enter it below.',
  addressDescription: 'Enter the address to send the verification code to.',
};

/** The labels of an OTP's channel; generic ones when its provider is no longer enabled. */
export function labelsOf(channel: Channel | undefined): ChannelLabels {
  return channel?.labels ?? GENERIC_LABELS;
}

/** The page URL of an OTP (path only), keeping the popup parameters. */
export function pagePath(ctx: PageContext, suffix = ''): string {
  const path = `${ctx.brand.base}/otp/${encodeURIComponent(ctx.namespace)}/${encodeURIComponent(ctx.id)}${suffix}`;
  if (!ctx.popup) return path;
  const query = new URLSearchParams({ view: 'popup' });
  if (ctx.origin) query.set('origin', ctx.origin);
  return `${path}?${query.toString()}`;
}

function common(ctx: PageContext, title: string): Record<string, unknown> {
  return {
    title,
    base: ctx.brand.base,
    logoUrl: ctx.brand.logoUrl,
    faviconUrl: ctx.brand.faviconUrl,
    popup: ctx.popup,
    namespace: ctx.namespace,
    id: ctx.id,
    target: ctx.popup ? ctx.target : '',
  };
}

/** What the code page shows besides the OTP itself. */
export interface CodePageState {
  error?: string;
  notice?: string;
  /** The code from an e-mail link: shown filled in with one Confirm button. */
  prefill?: string;
  codeLength: number;
  numeric: boolean;
}

/** Model of views/otp.njk. */
export function codePageModel(ctx: PageContext, otp: Otp, l: ChannelLabels, state: CodePageState): object {
  const confirm = state.prefill !== undefined;
  return {
    ...common(ctx, confirm ? 'Confirm verification' : `${l.channelName} verification`),
    heading: confirm ? 'Confirm verification' : `${l.channelName} verification`,
    description: confirm
      ? 'You opened the link from your message. Check the code and confirm to finish verifying.'
      : otp.channel_description || l.channelDescription,
    destination: maskAddress(otp.to),
    addressName: l.addressName,
    action: pagePath(ctx),
    statusUrl: `${ctx.brand.base}/otp/${encodeURIComponent(ctx.namespace)}/${encodeURIComponent(ctx.id)}/status`,
    codeLength: state.codeLength,
    numeric: state.numeric,
    attemptsLeft: Math.max(0, otp.max_attempts - otp.attempts),
    maxAttempts: otp.max_attempts,
    ttl: otp.ttl,
    ttlText: formatDuration(otp.ttl),
    // A closed record (a wrong code after a verification) neither resends nor polls: its poll would flip the page to "Verified".
    canResend: !confirm && !otp.closed && otp.generate < otp.max_generate,
    poll: !otp.closed,
    confirm,
    prefill: state.prefill ?? '',
    error: state.error ?? '',
    notice: state.notice ?? '',
  };
}

/** Model of views/address.njk. */
export function addressPageModel(ctx: PageContext, otp: Otp, channel: Channel | undefined, state: { error?: string; value?: string }): object {
  const l = labelsOf(channel);
  return {
    ...common(ctx, `${l.channelName} verification`),
    heading: `${l.channelName} verification`,
    description: otp.address_description || l.addressDescription,
    addressName: l.addressName,
    maxLength: channel?.maxAddressLength ?? 256,
    inputType: l.channelName === 'E-mail' ? 'email' : /phone|sms|whatsapp/i.test(`${l.channelName} ${l.addressName}`) ? 'tel' : 'text',
    action: pagePath(ctx, '/address'),
    value: state.value ?? '',
    error: state.error ?? '',
  };
}

/** The end states shown on the message page. */
export type MessageKind = 'expired' | 'locked' | 'verified' | 'error' | 'not_allowed' | 'not_found';

const MESSAGES: Record<MessageKind, { heading: string; text: string; tone: 'ok' | 'bad' | 'neutral' }> = {
  expired: { heading: 'This link has expired', text: 'The verification does not exist or has expired. Go back and start again to get a new code.', tone: 'neutral' },
  locked: { heading: 'Too many attempts', text: 'For your security this verification is locked. Go back and start again in a few minutes.', tone: 'bad' },
  verified: { heading: 'Verified', text: 'Thank you. Your address has been verified.', tone: 'ok' },
  error: { heading: 'Something went wrong', text: 'We could not complete the request. Please try again in a moment.', tone: 'bad' },
  not_allowed: { heading: 'Please slow down', text: 'Too many requests. Please wait a minute and try again.', tone: 'bad' },
  not_found: { heading: 'Page not found', text: 'There is nothing at this address. Check the link you followed.', tone: 'neutral' },
};

/** Model of views/message.njk; a verified page carries what page.js posts to the host page. */
export function messagePageModel(
  ctx: PageContext,
  kind: MessageKind,
  options: { retryAfter?: number; addressName?: string } = {},
): object {
  const m = MESSAGES[kind];
  let text = m.text;
  if (kind === 'verified' && options.addressName) {
    text = `Thank you. Your ${options.addressName.charAt(0).toLowerCase()}${options.addressName.slice(1)} has been verified.`;
  }
  if (kind === 'verified' && ctx.popup) text += ' You can continue.';
  else if (kind === 'verified') text += ' You can close this page.';
  if (kind === 'locked' && options.retryAfter) text = `For your security this verification is locked. Try again in ${formatDuration(options.retryAfter)}.`;
  return {
    ...common(ctx, m.heading),
    heading: m.heading,
    text,
    tone: m.tone,
    kind,
    // The verified page tells the host page (through page.js) that the flow finished.
    finish: kind === 'verified' && ctx.target !== '',
    target: ctx.target,
  };
}

/** "4 minutes 59 seconds"-style text for the no-JavaScript countdown. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const minutes = Math.floor(s / 60);
  const rest = s % 60;
  const parts: string[] = [];
  if (minutes > 0) parts.push(`${minutes} minute${minutes === 1 ? '' : 's'}`);
  if (rest > 0 || minutes === 0) parts.push(`${rest} second${rest === 1 ? '' : 's'}`);
  return parts.join(' ');
}
