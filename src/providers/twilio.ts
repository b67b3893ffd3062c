import { oneOf, text, url } from '../config-fields';
import { createHttpClient } from './http-client';
import { phoneCode, phoneProviderBase } from './phone';
import { defineProviderKind, ProviderSetupError, type Provider } from './provider';

/**
 * `[providers.twilio_sms]`: SMS (or WhatsApp, `channel = "whatsapp"`) through
 * Twilio Programmable Messaging: `POST {endpoint}/2010-04-01/Accounts/{account_sid}/Messages.json`
 * with a form body and Basic auth (`account_sid:auth_token`, or an API key's
 * `api_key_sid:api_key_secret`). A non-2xx answer is a failure whose Twilio
 * `code` and `message` are logged; so is a created message already `failed`.
 */
export const twilioSmsProvider = defineProviderKind({
  shape: {
    account_sid: text(''),
    auth_token: text(''),
    api_key_sid: text(''),
    api_key_secret: text(''),
    from: text(''),
    messaging_service_sid: text(''),
    channel: oneOf('sms', ['sms', 'whatsapp'] as const),
    /** A WhatsApp (or SMS) Content Template: sent as `ContentSid` with the code as variable "1" instead of the rendered body. */
    content_sid: text(''),
    default_phone_code: phoneCode(),
    endpoint: url('https://api.twilio.com'),
  },
  requiredWhenEnabled: ['account_sid'],
  create(config, { id }): Provider {
    const user = config.api_key_sid || config.account_sid;
    const password = config.api_key_sid ? config.api_key_secret : config.auth_token;
    if (config.api_key_sid && !config.api_key_secret) throw new ProviderSetupError('api_key_secret', 'required when api_key_sid is set');
    if (!password) throw new ProviderSetupError('auth_token', 'required when enabled = true (or api_key_sid and api_key_secret)');
    if (!config.from && !config.messaging_service_sid) throw new ProviderSetupError('from', 'required when enabled = true (or messaging_service_sid)');
    const whatsapp = config.channel === 'whatsapp';
    const address = (number: string): string => (whatsapp && !number.startsWith('whatsapp:') ? `whatsapp:${number}` : number);
    const client = createHttpClient({ maxConns: config.max_conns, timeoutMs: config.timeout });
    const endpoint = `${config.endpoint}/2010-04-01/Accounts/${encodeURIComponent(config.account_sid)}/Messages.json`;
    const authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    const what = `twilio (${id})`;
    return {
      id,
      ...phoneProviderBase(whatsapp ? 'WhatsApp' : 'SMS', config),
      async send(message) {
        const form = new URLSearchParams({ To: address(message.to) });
        if (config.messaging_service_sid) form.set('MessagingServiceSid', config.messaging_service_sid);
        if (config.from) form.set('From', address(config.from));
        if (config.content_sid) {
          form.set('ContentSid', config.content_sid);
          form.set('ContentVariables', JSON.stringify({ 1: message.otp.otp }));
        } else form.set('Body', message.body);
        const response = await client.request({
          method: 'POST',
          url: endpoint,
          headers: { Authorization: authorization, 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
          body: form.toString(),
        });
        const answer = parseJson(response.body);
        if (response.status < 200 || response.status > 299) {
          const reason = typeof answer?.code === 'number' || typeof answer?.message === 'string' ? `error ${String(answer?.code ?? '?')}: ${String(answer?.message ?? '')}` : response.body.slice(0, 300);
          throw new Error(`${what} answered HTTP ${response.status}: ${reason}`);
        }
        if (answer?.status === 'failed' || answer?.status === 'undelivered') {
          throw new Error(`${what}: message ${String(answer.sid ?? '')} ${answer.status} (error ${String(answer.error_code ?? '?')}: ${String(answer.error_message ?? '')})`);
        }
      },
      async close() {
        client.close();
      },
    };
  },
});

/** An answer's JSON object, or undefined when it is not one. */
function parseJson(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
