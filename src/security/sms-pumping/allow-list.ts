import { AppError } from '../../errors';

/**
 * The country allow-list: `[app] sms_countries`, replaced for one namespace by
 * its `[auth.X] sms_countries` (which may widen or narrow it; `[]` there means
 * every country for that namespace). An empty list allows every country.
 */
export interface CountryAllowList {
  app: readonly string[];
  /** Namespaces with a list of their own. */
  namespaces: ReadonlyMap<string, readonly string[]>;
}

const NAMES = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });

/** The list that applies to a namespace (empty: every country). */
export function countriesOf(list: CountryAllowList, namespace: string): readonly string[] {
  return list.namespaces.get(namespace) ?? list.app;
}

/** Refuse (400 `country_not_allowed`) a number whose country is not allowed for the namespace; `country` undefined: a number of no country. */
export function checkCountry(list: CountryAllowList, namespace: string, country: string | undefined): void {
  const allowed = countriesOf(list, namespace);
  if (allowed.length === 0 || (country !== undefined && allowed.includes(country))) return;
  const which = country === undefined
    ? 'This phone number belongs to no country (an international service number such as +800 or +882)'
    : `This phone number is in ${NAMES.of(country) ?? country} (${country})`;
  throw new AppError('country_not_allowed', `${which}, and namespace ${namespace} sends codes only to numbers in ${allowed.join(', ')} (sms_countries). Nothing was sent.`, {
    data: { field: 'to', country: country ?? '' },
  });
}
