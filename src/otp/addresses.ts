/**
 * When two spellings are one address. A channel declares the kind of its
 * addresses; per-address limits key on the canonical form (so `Victim@…`,
 * `victim+1@…` or `98765-43210` do not each get a fresh budget), while
 * delivery always uses the address as stored. Canonical forms are never
 * shown, stored or sent anywhere: only HMACs of them are kept (rate-limit keys).
 */

/**
 * - `email`: the whole address lower-cased, a `+tag` dropped (nothing cleverer:
 *   no provider-specific dot rules);
 * - `phone`: a leading `+` and the digits (a national number's leading zeros dropped);
 * - `text`: anything else (webhooks, the log provider): a phone-like address as
 *   `phone`, an e-mail-shaped one as `email`, otherwise lower-cased without spaces.
 */
export type AddressKind = 'email' | 'phone' | 'text';

/** What a channel says about its addresses (absent: `text`). */
export interface AddressKindOf {
  readonly addressKind?: AddressKind;
}

// What people type around a phone number's digits (the same set the phone providers accept).
const PHONE_LIKE = /^\+?[\d\s().\-/]+$/;
// Enough digits to be a number someone can be called on, not a short code or a year.
const MIN_PHONE_DIGITS = 5;
const EMAIL_SHAPED = /^[^\s@]+@[^\s@]+$/;

/** The canonical form of an address of this kind: the identity a per-address limit counts. */
export function canonicalAddress(kind: AddressKind, address: string): string {
  const typed = address.normalize('NFC').trim();
  if (kind === 'email') return canonicalEmail(typed);
  if (kind === 'phone' || isPhoneLike(typed)) return canonicalPhone(typed);
  if (EMAIL_SHAPED.test(typed)) return canonicalEmail(typed);
  return typed.replace(/\s+/g, '').toLowerCase();
}

/** The canonical form of an address as the channel that delivers it reads it. */
export function canonicalAddressFor(channel: AddressKindOf, address: string): string {
  return canonicalAddress(channel.addressKind ?? 'text', address);
}

function isPhoneLike(typed: string): boolean {
  return PHONE_LIKE.test(typed) && (typed.match(/\d/g)?.length ?? 0) >= MIN_PHONE_DIGITS;
}

/** `+` and digits; `00…` is the international prefix (`+…`); a national number's trunk zeros are dropped. */
function canonicalPhone(typed: string): string {
  const digits = typed.replace(/\D/g, '');
  if (typed.startsWith('+')) return `+${digits}`;
  if (digits.startsWith('00')) return `+${digits.slice(2)}`;
  return digits.replace(/^0+/, '');
}

/** Lower-cased, `+tag` dropped from the local part, a trailing dot of the domain dropped. */
function canonicalEmail(typed: string): string {
  const lower = typed.toLowerCase();
  const at = lower.lastIndexOf('@');
  if (at < 0) return lower;
  const local = lower.slice(0, at);
  const plus = local.indexOf('+');
  return `${plus > 0 ? local.slice(0, plus) : local}@${lower.slice(at + 1).replace(/\.$/, '')}`;
}
