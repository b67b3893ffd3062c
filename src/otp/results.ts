import type { Otp } from './types';

/**
 * What the core needs to prove a verification to a relying party (results.md
 * "The result token"): something that signs a result. src/signing implements
 * it with the `[signing]` keys; the core never sees a key.
 */
export interface ResultTokens {
  /** A signed result token for a verified OTP; `channel` is the channel's name, `nonce` the creator's. */
  issue(otp: Otp, facts: { channel: string; nonce?: string }): Promise<string>;
}

/** Where the redirect flow returns the browser to (results.md "The redirect flow"), kept with the OTP. */
export interface RedirectTarget {
  /** One of the namespace's `redirect_uris`, byte for byte. */
  uri: string;
  state?: string;
}
