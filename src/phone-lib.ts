type PhoneLib = typeof import('libphonenumber-js/max');
let loaded: PhoneLib | undefined;

/**
 * libphonenumber-js with its full metadata (a few MB), loaded on first use: by
 * a phone provider's first address, a `default_phone_code` or a country list
 * to check, or a number's country. A gateway without phone numbers (and
 * `--version`) never loads it.
 */
export function phoneLib(): PhoneLib {
  loaded ??= require('libphonenumber-js/max') as PhoneLib;
  return loaded;
}
