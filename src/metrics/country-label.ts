import { canonicalAddressFor } from '../otp/addresses';
import type { Channels } from '../otp/channels';
import type { Otp } from '../otp/types';
import { countryOfNumber, phoneCountries } from '../security/sms-pumping/countries';

/** The `country` label of a non-phone address (e-mail, a text webhook). */
export const NO_COUNTRY = 'none';

/** Every value the `country` label can take: libphonenumber's countries, `none` (and `_unknown` for a number of no country). */
export function countryLabels(): readonly string[] {
  return [...phoneCountries(), NO_COUNTRY];
}

/**
 * The country of an OTP's address, for the conversion metrics: read from the
 * stored, normalised number by libphonenumber (never a request field), through
 * the channel's address kind, so routes and phone webhooks count too.
 */
export function countryLabelOf(channels: Pick<Channels, 'get'>): (otp: Otp) => string {
  return (otp) => {
    const channel = channels.get(otp.provider);
    if (!channel || channel.addressKind !== 'phone' || !otp.to) return NO_COUNTRY;
    return countryOfNumber(canonicalAddressFor(channel, otp.to)) ?? '_unknown';
  };
}
