import { text, url } from '../config-fields';
import { assertSuccess, createHttpClient } from './http-client';
import { phoneCode, phoneProviderBase } from './phone';
import { defineProviderKind, type Message, type Provider, type ProviderContext } from './provider';

/** Keys both Kaleyra tables share (names as in the Go otpgateway config). */
const kaleyraShape = {
  sid: text(''),
  api_key: text(''),
  sender: text(''),
  default_phone_code: phoneCode(),
  endpoint: url('https://api.kaleyra.io'),
};

/** What differs between the SMS and the WhatsApp channel: the channel name and the form fields. */
interface KaleyraChannel {
  channelName: string;
  fields(message: Message): Record<string, string>;
}

/**
 * One Kaleyra channel: `POST {endpoint}/v1/{sid}/messages` with a form body and
 * the `api-key` header, over a pooled client; any answer outside 2xx is a failure.
 */
function kaleyraProvider(
  config: { sid: string; api_key: string; default_phone_code: string; endpoint: string; timeout: number; max_conns: number; otp_length: number },
  context: ProviderContext,
  channel: KaleyraChannel,
): Provider {
  const client = createHttpClient({ maxConns: config.max_conns, timeoutMs: config.timeout });
  const endpoint = `${config.endpoint}/v1/${encodeURIComponent(config.sid)}/messages`;
  return {
    id: context.id,
    ...phoneProviderBase(channel.channelName, config),
    async send(message) {
      const form = new URLSearchParams({ to: message.to, ...channel.fields(message) });
      const response = await client.request({
        method: 'POST',
        url: endpoint,
        headers: { 'api-key': config.api_key, 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: form.toString(),
      });
      assertSuccess(`kaleyra (${context.id})`, response);
    },
    async close() {
      client.close();
    },
  };
}

/** `[providers.kaleyra_sms]`: SMS through Kaleyra (`type=OTP`), with the Indian DLT entity and template ids when set. */
export const kaleyraSmsProvider = defineProviderKind({
  shape: { ...kaleyraShape, sms_entity_id: text(''), sms_template_id: text('') },
  requiredWhenEnabled: ['sid', 'api_key', 'sender'],
  create(config, context): Provider {
    return kaleyraProvider(config, context, {
      channelName: 'SMS',
      fields: (message) => ({
        type: 'OTP',
        sender: config.sender,
        body: message.body,
        ...(config.sms_entity_id ? { entity_id: config.sms_entity_id } : {}),
        ...(config.sms_template_id ? { template_id: config.sms_template_id } : {}),
      }),
    });
  },
});

/**
 * `[providers.kaleyra_whatsapp]`: a WhatsApp authentication template. Only the
 * code travels (`verification_code`); WhatsApp renders the registered template.
 */
export const kaleyraWhatsappProvider = defineProviderKind({
  shape: { ...kaleyraShape, template_name: text('') },
  requiredWhenEnabled: ['sid', 'api_key', 'sender', 'template_name'],
  create(config, context): Provider {
    return kaleyraProvider(config, context, {
      channelName: 'WhatsApp',
      fields: (message) => ({
        type: 'authenticationtemplate',
        channel: 'whatsapp',
        from: config.sender,
        template_name: config.template_name,
        verification_code: message.otp.otp,
      }),
    });
  },
});
