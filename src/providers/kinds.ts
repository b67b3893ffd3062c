import { kaleyraSmsProvider, kaleyraWhatsappProvider } from './kaleyra';
import { logProvider } from './log';
import { pinpointSmsProvider } from './pinpoint-sms';
import { smtpProvider } from './smtp';
import { webhookProvider } from './webhook';

/**
 * The built-in provider kinds, by their `[providers.ID]` table name.
 * Adding a provider is one file in this folder and one line here.
 */
export const PROVIDER_KINDS = {
  smtp: smtpProvider,
  pinpoint_sms: pinpointSmsProvider,
  kaleyra_sms: kaleyraSmsProvider,
  kaleyra_whatsapp: kaleyraWhatsappProvider,
  log: logProvider,
};

/** The kind behind every `[webhooks.NAME]` table. */
export const WEBHOOK_KIND = webhookProvider;

/** Ids of the built-in provider kinds. */
export type ProviderKindId = keyof typeof PROVIDER_KINDS;
