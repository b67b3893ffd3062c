import { z } from 'zod';
import { phoneLib } from '../phone-lib';
import { shown, text, type Field } from '../config-fields';
import { BUILT_IN_TEMPLATES } from '../templates/built-in';
import type { AddressCheck, Provider } from './provider';

/** Longest E.164 number: "+" and 15 digits. */
export const MAX_PHONE_LENGTH = 16;

let callingCodes: ReadonlySet<string> | undefined;

/** Every country calling code the metadata knows ("1", "44", "91"…), to check `default_phone_code` at startup. */
function knownCallingCodes(): ReadonlySet<string> {
  callingCodes ??= new Set(phoneLib().getCountries().map((country) => phoneLib().getCountryCallingCode(country)));
  return callingCodes;
}

// What people type around the digits; anything else (letters, `ext.`, `#`) is refused.
const ALLOWED = /^\+?[\d\s().\-/]+$/;

/**
 * `default_phone_code`: the country calling code for numbers typed without `+`
 * or `00`, written "+91" or "91" (the Go sample uses "+91"). Yields the digits, or "" for none.
 */
export function phoneCode(): Field<string> {
  return text('').transform((value, ctx) => {
    const code = value.trim().replace(/^\+/, '');
    if (code === '') return '';
    if (/^\d{1,4}$/.test(code) && knownCallingCodes().has(code)) return code;
    ctx.addIssue({ code: 'custom', message: `expected a country calling code such as "+91" or "", got ${shown(value)}` });
    return z.NEVER;
  });
}

/**
 * Normalise a phone number to E.164: `+…` is kept, `00…` becomes `+…`, and a
 * national number gets the default calling code (its trunk prefix, e.g. a
 * leading 0, dropped). Junk gets a reason that says what to fix.
 */
export function normalisePhone(input: string, defaultCallingCode: string): AddressCheck {
  const typed = input.trim();
  if (typed === '') return { ok: false, reason: 'the mobile number is empty.' };
  if (!ALLOWED.test(typed)) {
    return { ok: false, reason: 'a mobile number may only contain digits, spaces, dashes, brackets and a leading +.' };
  }
  const compact = typed.replace(/[\s().\-/]/g, '');
  const international = compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
  if (!international.startsWith('+') && defaultCallingCode === '') {
    return { ok: false, reason: 'it has no country code: start it with + and the country code, e.g. +14155552671.' };
  }
  const options = { defaultCallingCode: defaultCallingCode || undefined };
  const region = international.startsWith('+') ? 'its country code' : `country code +${defaultCallingCode}`;
  const { validatePhoneNumberLength, parsePhoneNumberWithError } = phoneLib();
  switch (validatePhoneNumberLength(international, options)) {
    case 'INVALID_COUNTRY':
      return { ok: false, reason: 'its country code does not exist.' };
    case 'TOO_SHORT':
    case 'NOT_A_NUMBER':
      return { ok: false, reason: `it is too short for a phone number with ${region}.` };
    case 'TOO_LONG':
      return { ok: false, reason: `it is too long for a phone number with ${region}.` };
    case 'INVALID_LENGTH':
      return { ok: false, reason: `it does not have the length of a phone number with ${region}.` };
    default:
      break;
  }
  try {
    const phone = parsePhoneNumberWithError(international, options);
    if (!phone.isValid()) return { ok: false, reason: `it is not a valid phone number with ${region}.` };
    return { ok: true, address: phone.number };
  } catch {
    return { ok: false, reason: 'it is not a phone number.' };
  }
}

/**
 * What every phone-number provider (SMS, WhatsApp) declares alike: labels and
 * help texts for the pages, E.164 validation, code length and the built-in SMS templates.
 */
export function phoneProviderBase(
  channelName: string,
  config: { otp_length: number; default_phone_code: string },
): Omit<Provider, 'id' | 'send' | 'close'> {
  return {
    channelName,
    // 'sms' or 'whatsapp': the pages' labels and the SMS length check (only SMS is counted in segments) follow it.
    labelKey: channelName.toLowerCase(),
    addressName: 'Mobile number',
    channelDescription: `We have sent a verification code to your mobile number by ${channelName}. Enter it below.`,
    addressDescription: 'Enter your mobile number with its country code to receive a verification code.',
    maxAddressLength: MAX_PHONE_LENGTH,
    addressKind: 'phone',
    otpLength: config.otp_length,
    bodyFormat: 'text',
    defaultSubject: BUILT_IN_TEMPLATES.smsSubject,
    defaultTemplate: BUILT_IN_TEMPLATES.sms,
    validateAddress: (to) => normalisePhone(to, config.default_phone_code),
  };
}
