import type { Channel, Delivery, DeliveryReceipt } from '../otp/channels';
import type { MessageTemplate } from '../templates/render';
import type { Provider } from './provider';

/**
 * An enabled provider as the core sees it (a `Channel`): the gateway renders
 * the provider's subject and body with the message variables, the provider
 * only delivers.
 */
export function providerChannel(provider: Provider, template: MessageTemplate): Channel & { provider: Provider; template: MessageTemplate } {
  return {
    id: provider.id,
    provider,
    template,
    labels: {
      channelName: provider.channelName,
      addressName: provider.addressName,
      channelDescription: provider.channelDescription,
      addressDescription: provider.addressDescription,
    },
    otpLength: provider.otpLength,
    maxAddressLength: provider.maxAddressLength,
    addressKind: provider.addressKind,
    validateAddress: (to) => provider.validateAddress(to),
    async deliver({ otp, to, otpUrl }: Delivery): Promise<DeliveryReceipt> {
      const rendered = template.render({
        to,
        namespace: otp.namespace,
        channel: provider.channelName,
        otp: otp.otp,
        otp_url: otpUrl,
        ttl_seconds: otp.ttl,
        ttl_minutes: Math.max(1, Math.ceil(otp.ttl / 60)),
        extra: otp.extra,
      });
      await provider.send({ to, subject: rendered.subject, body: rendered.body, text: rendered.text, otp });
      return { via: provider.id };
    },
  };
}
