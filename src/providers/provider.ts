import { z } from 'zod';
import type { Logger } from '../log/logger';
import { bool, duration, int, text } from '../config-fields';
import { errorMessage } from '../errors';
import type { AddressKind } from '../otp/addresses';
import type { AddressCheck } from '../otp/channels';
import type { CreatedOtp } from '../otp/types';
import type { Outbox } from '../outbox/outbox';

export type { AddressCheck } from '../otp/channels';

/** A rendered message, ready to deliver. The gateway renders; providers only deliver. */
export interface Message {
  /** Normalised address (the output of `validateAddress`). */
  to: string;
  subject: string;
  body: string;
  /** Plain-text alternative of an HTML body (e-mail). */
  text?: string;
  /** The OTP, with its code (webhooks forward it). */
  otp: CreatedOtp;
}

/** What every delivery channel declares and does. */
export interface Provider {
  /** Provider id used in the API (`smtp`, `kaleyra_sms`, a webhook's name). */
  readonly id: string;
  /** "E-mail", "SMS", "WhatsApp", "Phone call". */
  readonly channelName: string;
  /** Label of the address input: "E-mail ID", "Mobile number". */
  readonly addressName: string;
  /** Default help text on the code page. */
  readonly channelDescription: string;
  /** Default help text on the address page. */
  readonly addressDescription: string;
  /** The catalog section of its labels in every language (locales/*.json `channel.<key>`: "email", "sms"…); absent: the labels above, from the config. */
  readonly labelKey?: string;
  readonly maxAddressLength: number;
  /** How its addresses compare for per-address limits (`email`, `phone`; absent: `text`). */
  readonly addressKind?: AddressKind;
  /** Digits of generated codes. */
  readonly otpLength: number;
  /** Whether bodies are HTML (escaped when rendered) or plain text. */
  readonly bodyFormat: 'html' | 'text';
  /** Default subject and body templates (nunjucks source). */
  readonly defaultSubject: string;
  readonly defaultTemplate: string;
  /** Normalise `to` or say why it is not a valid address for this channel. */
  validateAddress(to: string): AddressCheck;
  /** Resolve when the upstream accepted the message; reject with the reason otherwise. */
  send(message: Message): Promise<void>;
  /** Release pooled connections. */
  close?(): Promise<void>;
}

/** What a provider factory receives besides its own config table. */
export interface ProviderContext {
  /** The provider id (the table name for webhooks). */
  id: string;
  logger: Logger;
  /** Where the `outbox` provider keeps messages (the gateway's, shared with `GET /api/outbox`); absent: one of its own in memory. */
  outbox?: Outbox;
}

/** Keys every provider and webhook table accepts. */
export const commonProviderShape = {
  enabled: bool(false),
  subject: text(''),
  template: text(''),
  otp_length: int(6, 1, 64),
  timeout: duration('5s', 120_000),
  max_conns: int(10, 1, 1000),
};

/** Config of the keys every provider shares (after validation). */
export type CommonProviderConfig = z.output<z.ZodObject<typeof commonProviderShape>>;

/** One provider kind: how to read its table and build it. Adding a provider = one file + one registry line. */
export interface ProviderKind<C extends CommonProviderConfig = CommonProviderConfig> {
  schema: z.ZodType<C, unknown>;
  create(config: C, context: ProviderContext): Provider;
}

/**
 * A provider table whose keys are individually valid but do not fit together
 * (thrown from `create`); the registry reports it as `providers.ID.KEY: message`.
 */
export class ProviderSetupError extends Error {
  /** The key of the provider's table to name in the config error. */
  readonly key: string;

  constructor(key: string, message: string) {
    super(message);
    this.name = 'ProviderSetupError';
    this.key = key;
  }
}

/** Declare a provider kind with its table's extra keys; required keys are checked only when enabled. */
export function defineProviderKind<S extends z.ZodRawShape, C extends CommonProviderConfig & z.output<z.ZodObject<S>>>(options: {
  shape: S;
  /** Keys that must be non-empty when `enabled = true`. */
  requiredWhenEnabled?: (keyof S & string)[];
  create(config: C, context: ProviderContext): Provider;
}): ProviderKind<C> {
  const schema = z.strictObject({ ...commonProviderShape, ...options.shape }).superRefine((value, ctx) => {
    const table = value as Record<string, unknown>;
    if (table.enabled !== true) return;
    for (const key of options.requiredWhenEnabled ?? []) {
      if (table[key] === '' || table[key] === undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'required when enabled = true' });
      }
    }
    // Run even when other keys of the table failed, so one start reports every problem.
  }, { when: () => true });
  return { schema: schema as unknown as z.ZodType<C, unknown>, create: options.create };
}

/** An Error for a failed delivery whose message starts with `what` (the upstream); OtpService cuts the code out before logging it. */
export function deliveryError(what: string, err: unknown): Error {
  const message = errorMessage(err);
  return new Error(message.startsWith(what) ? message : `${what}: ${message}`);
}
