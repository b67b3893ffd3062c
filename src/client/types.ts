/**
 * The wire shapes of the OTP gateway API (see the README's API reference).
 * The OTP object itself comes from the core (src/otp/types.ts), which imports nothing.
 * Field names are the wire's own snake_case, so what you read here is exactly
 * what the README's curl examples show; the client never renames anything.
 */

/** The OTP object and the answer to a create, as the gateway's core defines them (one definition for server and client). */
export type { CreatedOtp, Otp, VerifiedOtp } from '../otp/types';

/** Fields of `PUT /api/otp[/:id]`; only `provider` is required. */
export interface CreateOptions {
  /** Id of an enabled provider (see `providers()`). */
  provider: string;
  /** The address to verify; omitted or empty lets the built-in address page ask the user. */
  to?: string;
  channel_description?: string;
  address_description?: string;
  /** A code of your own (1-64 printable characters); default: a random numeric code. */
  otp?: string;
  /** Seconds the OTP lives (1-86400); default: the gateway's `app.otp_ttl`. */
  ttl?: number;
  max_attempts?: number;
  max_generate?: number;
  /** Any JSON value, returned with the OTP and passed to templates and webhooks. */
  extra?: unknown;
  /** The redirect flow: one of the namespace's `redirect_uris`, byte for byte. */
  redirect_uri?: string;
  /** The redirect flow: returned unchanged as `state` (at most 512 characters). */
  state?: string;
  /** Echoed as the result token's `nonce` (at most 128 characters). */
  nonce?: string;
}

/** Options of `verify`. */
export interface VerifyOptions {
  /** Keep the verified record (closed) until it expires, so `status` can confirm it later. */
  skip_delete?: boolean;
}

/** How to reach a gateway as one namespace. */
export interface OTPGatewayClientOptions {
  /** The gateway's base URL, e.g. `http://otpgateway:9000` (a path prefix behind a proxy is kept). */
  baseUrl: string;
  /** The namespace (HTTP Basic user). */
  namespace: string;
  /** The namespace's secret (HTTP Basic password). */
  secret: string;
  /** Per-request limit in milliseconds, connect to last byte; default 10 000. */
  timeoutMs?: number;
}
