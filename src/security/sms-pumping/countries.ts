import type { CountryCode } from 'libphonenumber-js/max';
import { phoneLib } from '../../phone-lib';
import { shown, textList, type Field } from '../../config-fields';
import { z } from 'zod';

/**
 * Countries of phone numbers, as libphonenumber knows them: the only source of
 * a number's country (`+44 7…` is GB, `+1 416…` is CA), and the bounded set of
 * the `country` metric label.
 */

let known: ReadonlySet<string> | undefined;

/** Every country code a parsed number can have (ISO 3166-1 alpha-2, plus the few territories libphonenumber adds, e.g. XK). */
export function phoneCountries(): ReadonlySet<string> {
  known ??= new Set<string>(phoneLib().getCountries());
  return known;
}

/** The country of an E.164 number; undefined when it belongs to none (`+800`, `+882`: international services). */
export function countryOfNumber(e164: string): CountryCode | undefined {
  try {
    return phoneLib().parsePhoneNumberWithError(e164).country;
  } catch {
    return undefined;
  }
}

/**
 * `sms_countries`: a list of ISO 3166-1 alpha-2 codes, case-insensitive, kept
 * upper-case and without repeats. Codes no phone number can have are refused
 * with the list of them, so a typo ("UK" for "GB") stops the start.
 */
export function countryList(): Field<string[]> {
  return textList([]).transform((codes, ctx) => {
    const upper = [...new Set(codes.map((c) => c.trim().toUpperCase()))];
    const unknown = upper.filter((c) => !phoneCountries().has(c));
    if (unknown.length === 0) return upper;
    const hint = unknown.includes('UK') ? ' (the United Kingdom is "GB")' : '';
    ctx.addIssue({ code: 'custom', message: `expected ISO 3166-1 alpha-2 country codes such as "IN" or "US"${hint}, got ${shown(unknown.join(', '))}` });
    return z.NEVER;
  });
}
