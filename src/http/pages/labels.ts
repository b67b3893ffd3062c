import type { Channel, ChannelLabels } from '../../otp/channels';
import type { Translator } from '../../i18n/languages';

/**
 * A channel's labels in the page's language: from the catalog when the
 * provider names its section (`channel.email`…), else the names from the
 * config as written, with the help texts from `channel.custom`.
 */
export function labelsIn(tr: Translator, channel: Channel | undefined): ChannelLabels {
  // A provider that is no longer enabled (its OTPs may still be open): generic labels.
  if (!channel) return catalogLabels(tr, 'generic');
  const l = channel.labels;
  if (l.key) return catalogLabels(tr, l.key);
  return {
    channelName: l.channelName,
    addressName: l.addressName,
    channelDescription: tr.t('channel.custom.description', { channel: l.channelName }),
    addressDescription: tr.t('channel.custom.address_description', { address: l.addressName }),
  };
}

function catalogLabels(tr: Translator, key: string): ChannelLabels {
  return {
    channelName: tr.t(`channel.${key}.name`),
    addressName: tr.t(`channel.${key}.address_name`),
    channelDescription: tr.t(`channel.${key}.description`),
    addressDescription: tr.t(`channel.${key}.address_description`),
    key,
  };
}

/** The type of the address input: e-mail and phone keyboards on phones, text otherwise. */
export function addressInputType(channel: Channel | undefined): 'email' | 'tel' | 'text' {
  const l = channel?.labels;
  if (!l) return 'text';
  if (l.key === 'email' || l.channelName === 'E-mail') return 'email';
  return l.key === 'sms' || l.key === 'whatsapp' || /phone|sms|whatsapp/i.test(`${l.channelName} ${l.addressName}`) ? 'tel' : 'text';
}
