import type { RedirectTarget } from '../../otp/results';

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
