import type { RedirectTarget } from '../../otp/results';
import type { OtpService } from '../../otp/service';
import type { PageOtp } from '../../otp/types';
import type { ReturnTickets } from '../../signing/return-ticket';
import type { OtpKey } from '../../store/store';

/** How a redirect flow ends (results.md): a token, or one of these errors. */
export type RedirectOutcome = { token: string } | { error: 'access_denied' | 'expired' | 'locked' };

/**
 * The URL the browser goes back to: the configured redirect_uri, byte for byte,
 * with `token` or `error`, then `state`, appended to its query (`?` or `&`).
 */
export function returnUrl(target: RedirectTarget, outcome: RedirectOutcome): string {
  const params = new URLSearchParams('token' in outcome ? { token: outcome.token } : { error: outcome.error });
  if (target.state !== undefined) params.set('state', target.state);
  const joiner = !target.uri.includes('?') ? '?' : target.uri.endsWith('?') || target.uri.endsWith('&') ? '' : '&';
  return `${target.uri}${joiner}${params.toString()}`;
}

/**
 * Where an OTP's redirect flow returns the browser: the record's own target
 * while it exists; once it is gone, the target of the form's signed return
 * ticket (`ticket`), if its redirect_uri is still on the namespace's list.
 */
export async function redirectTargetOf(service: OtpService, returns: ReturnTickets | undefined, key: OtpKey, ticket: string): Promise<RedirectTarget | undefined> {
  // A store that fails here fails the page's own step too: read as "no redirect", never as "gone".
  const unknown: { found: boolean; target?: RedirectTarget } = { found: true };
  const record = await service.redirectOf(key).catch(() => unknown);
  if (record.found) return record.target;
  const fromTicket = ticket && returns ? await returns.read(ticket, key) : undefined;
  return fromTicket && service.allowsRedirect(key.namespace, fromTicket.uri) ? fromTicket : undefined;
}

/** A return ticket for the forms of a redirect-flow page, valid an hour past the record's own life ("" outside that flow). */
export async function returnTicketFor(returns: ReturnTickets | undefined, key: OtpKey, found: PageOtp): Promise<string> {
  if (!found.redirect || !returns) return '';
  return returns.issue(key, found.redirect, found.otp.ttl + 3600);
}
