import type { StoredOtp } from '../store/store';
import type { Sealer } from './crypto';
import type { Otp, OtpMeta } from './types';

/** Build the public OTP object (api.md) from a stored record; never includes the code. */
export function toView(otp: StoredOtp, options: { rootUrl: string; sealer: Sealer; deliversItself?: boolean }): Otp {
  const to = options.sealer.open(otp.to);
  return {
    namespace: otp.namespace,
    id: otp.id,
    to,
    channel_description: otp.channelDescription,
    address_description: otp.addressDescription,
    extra: parseExtra(otp.extra),
    provider: otp.provider,
    max_attempts: otp.maxAttempts,
    attempts: otp.attempts,
    max_generate: otp.maxGenerate,
    generate: otp.generate,
    closed: otp.closed,
    ttl: otp.ttlSeconds,
    url: pageUrl(options.rootUrl, otp.namespace, otp.id),
    // Stored for routes (the member that accepted the last message); a provider that delivers by itself is its own.
    delivered_via: otp.deliveredVia || (options.deliversItself && to !== '' ? otp.provider : ''),
  };
}

/** The built-in verification page of an OTP. */
export function pageUrl(rootUrl: string, namespace: string, id: string): string {
  return `${rootUrl}/otp/${encodeURIComponent(namespace)}/${encodeURIComponent(id)}`;
}

/** The OTP's own attributes from their stored JSON text (`{}` when unreadable). */
export function parseMeta(text: string): OtpMeta {
  const value = parseExtra(text);
  const meta: OtpMeta = {};
  if (!value || typeof value !== 'object') return meta;
  const { lang, nonce, redirect } = value as Record<string, unknown>;
  if (typeof lang === 'string') meta.lang = lang;
  if (typeof nonce === 'string') meta.nonce = nonce;
  if (redirect && typeof redirect === 'object' && typeof (redirect as { uri?: unknown }).uri === 'string') {
    const { uri, state } = redirect as { uri: string; state?: unknown };
    meta.redirect = typeof state === 'string' ? { uri, state } : { uri };
  }
  return meta;
}

function parseExtra(text: string): unknown {
  try {
    return JSON.parse(text || '{}');
  } catch {
    return {};
  }
}
