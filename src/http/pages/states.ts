import type { ErrorCode } from '../../errors';
import type { MessageKind } from './models';

/**
 * What the pages show for each error of the catalog, whatever the user did
 * (verify, resend, give an address): one table instead of an if-ladder per form.
 */
export type PageState =
  /** An end state: the message page (expired, locked, error…). */
  | { show: 'message'; kind: MessageKind; status?: number }
  /** The code form again, with the sentence at this catalog key under the input (the error's own status). */
  | { show: 'code'; error: string }
  /** The form the user submitted again, with a sentence of the catalog's `errors` (`addressReason` for a bad address). */
  | { show: 'form' }
  /** The code page by a redirect (e.g. the address was set meanwhile). */
  | { show: 'redirect' };

/** The table; codes not listed are unexpected on a page and show the error page with their status. */
export const PAGE_STATES: Partial<Record<ErrorCode, PageState>> = {
  not_found: { show: 'message', kind: 'expired', status: 404 },
  attempts_exceeded: { show: 'message', kind: 'locked' },
  incorrect_otp: { show: 'code', error: 'errors.incorrect_otp' },
  generate_limit: { show: 'code', error: 'errors.generate_limit' },
  delivery_failed: { show: 'code', error: 'errors.delivery_failed' },
  no_address: { show: 'redirect' },
  address_already_set: { show: 'redirect' },
  invalid_field: { show: 'form' },
  rate_limited: { show: 'form' },
  country_not_allowed: { show: 'form' },
};

/** The page state of an error code. */
export function pageStateOf(code: ErrorCode, status: number): PageState {
  return PAGE_STATES[code] ?? { show: 'message', kind: status === 429 ? 'not_allowed' : 'error' };
}
