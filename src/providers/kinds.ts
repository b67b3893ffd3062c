import { awsSmsProvider } from './aws-sms';
import { kaleyraSmsProvider, kaleyraWhatsappProvider } from './kaleyra';
import { logProvider } from './log';
import { outboxProvider } from './outbox';
import { pinpointSmsProvider } from './pinpoint-sms';
import type { ProviderKind } from './provider';
import { smtpProvider } from './smtp';
import { twilioSmsProvider } from './twilio';
import { vonageSmsProvider } from './vonage';
import { webhookProvider } from './webhook';

/**
 * The built-in provider kinds, by their `[providers.ID]` table name.
 * Adding a provider is one file in this folder and one line here.
 */
const KINDS = {
  smtp: smtpProvider,
  pinpoint_sms: pinpointSmsProvider,
  kaleyra_sms: kaleyraSmsProvider,
  kaleyra_whatsapp: kaleyraWhatsappProvider,
  log: logProvider,
  twilio_sms: twilioSmsProvider,
  vonage_sms: vonageSmsProvider,
  aws_sms: awsSmsProvider,
  outbox: outboxProvider,
};

/** Ids of the built-in provider kinds. */
export type ProviderKindId = keyof typeof KINDS;

/** The validated table of a kind. */
export type TableOf<K> = K extends ProviderKind<infer C> ? C : never;

/** The validated `[providers.*]` tables, each optional. */
export type ProviderKindTables = { readonly [K in ProviderKindId]?: TableOf<(typeof KINDS)[K]> };

/** The kinds, typed so that `PROVIDER_KINDS[id]` and `tables[id]` stay paired for a generic id. */
export const PROVIDER_KINDS: { readonly [K in ProviderKindId]: ProviderKind<TableOf<(typeof KINDS)[K]>> } = KINDS;

/** The kind behind every `[webhooks.NAME]` table. */
export const WEBHOOK_KIND = webhookProvider;

/** The same ids as a list. */
export const PROVIDER_KIND_IDS = Object.keys(PROVIDER_KINDS) as ProviderKindId[];

