import type { Logger } from '../log/logger';
import { shippedLanguages } from '../i18n/languages';
import { languagesOf } from '../templates/localized';
import { smsSize, type SmsSize } from '../templates/sms-size';
import { renderMessage } from './channel';
import type { ProviderRegistry } from './registry';

/**
 * The SMS length check at start (i18n.md "SMS length"): every SMS template,
 * in every language a message can be written in, rendered with a sample code;
 * one that takes more than one segment is worth a warning (it costs more, and
 * some networks deliver the parts out of order).
 */

/** What the sample message is made of: the longest namespace and the default ttl make the longest text. */
export interface SmsSample {
  namespace: string;
  ttlSeconds: number;
  rootUrl: string;
}

/** One SMS template in one language. */
export interface SmsTemplateSize extends SmsSize {
  provider: string;
  /** The template's file name, or "built-in". */
  template: string;
  lang: string;
}

/** The size of every SMS provider's template in every language. */
export function measureSmsTemplates(registry: ProviderRegistry, sample: SmsSample): SmsTemplateSize[] {
  const sizes: SmsTemplateSize[] = [];
  for (const id of registry.ids) {
    const channel = registry.get(id);
    if (!channel || channel.labels.key !== 'sms') continue;
    const code = '1234567890'.repeat(7).slice(0, channel.otpLength);
    const input = { to: '+15555550100', namespace: sample.namespace, code, otpUrl: `${sample.rootUrl}/otp/${sample.namespace}/${'x'.repeat(32)}?action=check&otp=${code}`, ttlSeconds: sample.ttlSeconds, extra: {} };
    for (const lang of languagesOf(channel.templates, shippedLanguages())) {
      const { picked, rendered } = renderMessage(channel.templates, channel.labels, input, [lang]);
      sizes.push({ provider: id, template: picked.name, lang: picked.lang, ...smsSize(rendered.body) });
    }
  }
  return sizes;
}

/** Log a warning for each SMS template that takes more than one segment in some language. */
export function warnLongSmsTemplates(registry: ProviderRegistry, sample: SmsSample, logger: Logger): void {
  for (const s of measureSmsTemplates(registry, sample)) {
    if (s.segments <= 1) continue;
    const fits = s.encoding === 'GSM-7' ? 160 : 70;
    logger.warn(
      { provider: s.provider, template: s.template, lang: s.lang, encoding: s.encoding, segments: s.segments, characters: s.characters },
      `providers.${s.provider}: the SMS template "${s.template}" in "${s.lang}" takes ${s.segments} segments (${s.characters} ${s.encoding} characters; one segment holds ${fits})`,
    );
  }
}
