/**
 * The OTP as the gateway's clients see it (api.md "The OTP object"): the one
 * definition of the wire shape, used by the core, the providers (webhooks
 * forward it) and the Node client. Field names are the wire's own snake_case.
 * This file imports nothing: the client ships its declarations.
 */

/** An OTP as the API returns it (the code itself is never included, except in `CreatedOtp`). */
export interface Otp {
  namespace: string;
  id: string;
  /** The address being verified; empty when the built-in address page still has to ask for it. */
  to: string;
  channel_description: string;
  address_description: string;
  /** Whatever JSON value the creator attached; `{}` when none. */
  extra: unknown;
  /** The provider (or route) the caller chose. */
  provider: string;
  max_attempts: number;
  attempts: number;
  max_generate: number;
  generate: number;
  /** True once the right code was entered. */
  closed: boolean;
  /** Seconds left before the record expires. */
  ttl: number;
  /** The gateway's built-in verification page for this OTP. */
  url: string;
  /** The provider that accepted the last message: a route's member (routing), or the provider itself; "" before any. */
  delivered_via: string;
}

/** A verified OTP as verify and status answer it: plus a signed result token when the gateway has `[signing]` keys (results.md). */
export interface VerifiedOtp extends Otp {
  /** A compact JWS proving the verification (no code, `extra` or attempts in it); absent without `[signing]`. */
  token?: string;
}

/** The answer to a create, and what a message carries: the OTP plus its code. */
export interface CreatedOtp extends Otp {
  otp: string;
}


/**
 * The OTP's own attributes given at create time and stored with it (as one
 * JSON text the store does not read). A feature that needs to remember
 * something per OTP adds its key here.
 */
export interface OtpMeta {
  /** The language of the pages and messages of this OTP (a canonical tag, e.g. "pt-BR"), when the creator chose one. */
  lang?: string;
  /** The creator's `nonce`, echoed in the result token. */
  nonce?: string;
  /** The redirect flow: where the browser goes back to, and the creator's `state`. */
  redirect?: { uri: string; state?: string };
}

/** A create/regenerate request, already validated for shape by the HTTP layer. */
export interface CreateRequest {
  provider: string;
  to: string;
  channelDescription: string;
  addressDescription: string;
  /** Caller-chosen code; a random one of the provider's length when absent. */
  otp?: string;
  ttlSeconds?: number;
  maxAttempts?: number;
  maxGenerate?: number;
  extra: unknown;
  /** Attributes stored with the OTP (see OtpMeta). */
  meta?: OtpMeta;
}

/** An OTP as the pages see it: no code, only its length and whether it is all digits. */
export interface PageOtp {
  otp: Otp;
  codeLength: number;
  numeric: boolean;
  /** The OTP's own language (OtpMeta.lang), when its creator chose one. */
  lang?: string;
  /** The redirect flow's target (OtpMeta.redirect), when its creator asked for it. */
  redirect?: { uri: string; state?: string };
}
