import type { Logger } from '../../log/logger';
import type { Channels } from '../../otp/channels';
import { countriesOf, type CountryAllowList } from './allow-list';

/**
 * At start: warn when a phone channel is enabled and some namespace may send
 * codes to every country (an empty `sms_countries`), the opening SMS pumping needs.
 */
export function warnAllCountries(list: CountryAllowList, namespaces: readonly string[], channels: Pick<Channels, 'ids' | 'get'>, logger: Logger): void {
  const phone = channels.ids.filter((id) => channels.get(id)?.addressKind === 'phone');
  const open = namespaces.filter((ns) => countriesOf(list, ns).length === 0);
  if (phone.length === 0 || open.length === 0) return;
  logger.warn(
    { namespaces: open, providers: phone },
    'sms_countries is empty: these namespaces send codes to phone numbers of every country, which SMS pumping (toll fraud) exploits. ' +
      'List the countries you serve, e.g. [app] sms_countries = ["IN", "US"] (README "SMS pumping").',
  );
}
