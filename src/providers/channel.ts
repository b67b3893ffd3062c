import type { Channel, ChannelLabels, Delivery, DeliveryReceipt } from '../otp/channels';
import { languagePreferences, type LanguageDefaults } from '../i18n/choose';
import { shippedLanguages, type Translator } from '../i18n/languages';
import { pickTemplate, type PickedTemplate, type TemplateSet } from '../templates/localized';
import { smsSize } from '../templates/sms-size';
import type { Provider } from './provider';

/**
 * An enabled provider as the core sees it (a `Channel`): the gateway renders
 * the provider's subject and body with the message variables, in the OTP's
 * language (its `lang`, the namespace's default, the app's), and the provider
 * only delivers.
 */
export function providerChannel(provider: Provider, templates: TemplateSet, defaults: LanguageDefaults): Channel & { provider: Provider; templates: TemplateSet } {
  const labels: ChannelLabels = {
    channelName: provider.channelName,
    addressName: provider.addressName,
    channelDescription: provider.channelDescription,
    addressDescription: provider.addressDescription,
    key: provider.labelKey,
  };
  return {
    id: provider.id,
    provider,
    templates,
    labels,
    otpLength: provider.otpLength,
    maxAddressLength: provider.maxAddressLength,
    addressKind: provider.addressKind,
    validateAddress: (to) => provider.validateAddress(to),
    async deliver({ otp, to, otpUrl, lang }: Delivery): Promise<DeliveryReceipt> {
      const input = { to, namespace: otp.namespace, code: otp.otp, otpUrl, ttlSeconds: otp.ttl, extra: otp.extra };
      const { picked, rendered } = renderMessage(templates, labels, input, languagePreferences(defaults, { namespace: otp.namespace, lang }));
      await provider.send({ to, subject: rendered.subject, body: rendered.body, text: rendered.text, otp });
      const size = provider.bodyFormat === 'text' ? smsSize(rendered.body) : undefined;
      return { via: provider.id, details: { lang: picked.lang, ...(size && { encoding: size.encoding, segments: size.segments }) } };
    },
  };
}

/** What one message is about. */
export interface MessageInput {
  to: string;
  namespace: string;
  code: string;
  otpUrl: string;
  ttlSeconds: number;
  extra: unknown;
}

/** Render a message in the first preferred language the templates or catalogs have. */
export function renderMessage(
  templates: TemplateSet,
  labels: ChannelLabels,
  input: MessageInput,
  preferences: readonly string[],
): { picked: PickedTemplate; rendered: ReturnType<PickedTemplate['template']['render']> } {
  const languages = shippedLanguages();
  const picked = pickTemplate(templates, languages, preferences);
  const rendered = picked.template.render({
    to: input.to,
    namespace: input.namespace,
    channel: channelNameIn(languages.translator(picked.catalog), labels),
    otp: input.code,
    otp_url: input.otpUrl,
    ttl_seconds: input.ttlSeconds,
    ttl_minutes: Math.max(1, Math.ceil(input.ttlSeconds / 60)),
    extra: input.extra,
    lang: picked.catalog,
  });
  return { picked, rendered };
}

/** The channel's name in a language ("E-Mail"), for the templates' `channel`; a name from the config stays as written. */
export function channelNameIn(tr: Translator, labels: Pick<ChannelLabels, 'channelName' | 'key'>): string {
  return labels.key ? tr.t(`channel.${labels.key}.name`) : labels.channelName;
}
