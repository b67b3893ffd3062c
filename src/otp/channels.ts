import type { AddressKind } from './addresses';
import type { CreatedOtp } from './types';

/**
 * What the core needs of a delivery channel: a provider, or a route of
 * providers (routing.md). The core declares it and the providers implement
 * it, so the core never depends on a provider.
 */

/** How the pages present a channel. */
export interface ChannelLabels {
  /** "E-mail", "SMS", "WhatsApp", "Phone call". */
  channelName: string;
  /** Label of the address input: "E-mail ID", "Mobile number". */
  addressName: string;
  /** Default help text on the code page. */
  channelDescription: string;
  /** Default help text on the address page. */
  addressDescription: string;
  /** Where the pages find these labels in every language (locales/*.json `channel.<key>`); absent: names from the config, shown as written. */
  key?: string;
}

/** Result of validating an address: the normalised address, or why it is invalid. */
export type AddressCheck = { ok: true; address: string } | { ok: false; reason: string };

/** One message to deliver: the OTP with its code, the normalised address and the one-click link. */
export interface Delivery {
  otp: CreatedOtp;
  to: string;
  /** The code page with the code filled in (`otp_url` in templates). */
  otpUrl: string;
  /** The OTP's own language (OtpMeta.lang), when its creator chose one; the channel picks the message's language from it. */
  lang?: string;
  /** The provider that accepted the last message of this OTP (a resend): a route starts with the member after it. */
  after?: string;
}

/** One provider tried during a delivery (a route tries several). */
export interface DeliveryTry {
  /** The provider tried. */
  provider: string;
  /** `skipped`: its circuit breaker was open, it was not called. */
  result: 'ok' | 'failed' | 'skipped';
  seconds: number;
  /** Why it failed or was skipped, for the log (the code not yet cut out). */
  reason?: string;
}

/** A delivery that failed after trying one or more providers; each try is kept for the log and the metrics. */
export class DeliveryFailure extends Error {
  readonly tries: readonly DeliveryTry[];

  constructor(message: string, tries: readonly DeliveryTry[]) {
    super(message);
    this.name = 'DeliveryFailure';
    this.tries = tries;
  }
}

/** What a successful delivery reports. */
export interface DeliveryReceipt {
  /** The provider that accepted the message. */
  via: string;
  /** What the delivery log line reports of the message: its language, and for text messages the SMS encoding and segments. */
  details?: Readonly<Record<string, string | number>>;
  /** Every provider tried, in order, when the channel is a route (absent: only `via`, once). */
  tries?: readonly DeliveryTry[];
}

/** A delivery channel as the core uses it. */
export interface Channel {
  /** The id clients send as `provider`. */
  readonly id: string;
  readonly labels: ChannelLabels;
  /** Digits of generated codes. */
  readonly otpLength: number;
  readonly maxAddressLength: number;
  /** How its addresses compare for per-address limits (addresses.ts); absent: `text`. */
  readonly addressKind?: AddressKind;
  /** The providers a route delivers through (absent: the channel delivers by itself). */
  readonly members?: readonly string[];
  /** Normalise `to` or say why it is not a valid address for this channel. */
  validateAddress(to: string): AddressCheck;
  /** Render the message and hand it to the upstream; rejects with the upstream's reason. */
  deliver(delivery: Delivery): Promise<DeliveryReceipt>;
}

/** Every channel clients may name, by id. */
export interface Channels {
  /** Sorted ids of the enabled channels (GET /api/providers). */
  readonly ids: readonly string[];
  get(id: string): Channel | undefined;
  /** True when `id` names a provider of the gateway that is configured but disabled (for error messages). */
  isDisabled(id: string): boolean;
}
