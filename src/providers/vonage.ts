import { createHash, createHmac } from 'node:crypto';
import { oneOf, text, url } from '../config-fields';
import { smsSize } from '../templates/sms-size';
import { assertSuccess, createHttpClient } from './http-client';
import { phoneCode, phoneProviderBase } from './phone';
import { defineProviderKind, ProviderSetupError, type Provider } from './provider';

/**
 * `[providers.vonage_sms]`: SMS through the Vonage SMS API, `POST {endpoint}/sms/json`
 * with a form body carrying `api_key` and `api_secret`, or a signature (`sig`)
 * made with the account's signature secret. Vonage answers HTTP 200 even when it
 * refuses a message: a `messages[].status` other than "0" is a failure, logged with its `error-text`.
 */
export const vonageSmsProvider = defineProviderKind({
  shape: {
    api_key: text(''),
    api_secret: text(''),
    signature_secret: text(''),
    signature_method: oneOf('md5hash', ['md5hash', 'md5', 'sha1', 'sha256', 'sha512'] as const),
    from: text(''),
    default_phone_code: phoneCode(),
    endpoint: url('https://rest.nexmo.com'),
  },
  requiredWhenEnabled: ['api_key', 'from'],
  create(config, { id }): Provider {
    if (!config.api_secret && !config.signature_secret) throw new ProviderSetupError('api_secret', 'required when enabled = true (or signature_secret)');
    const client = createHttpClient({ maxConns: config.max_conns, timeoutMs: config.timeout });
    const what = `vonage (${id})`;
    return {
      id,
      ...phoneProviderBase('SMS', config),
      async send(message) {
        const params: Record<string, string> = {
          api_key: config.api_key,
          from: config.from,
          // Vonage takes the number without its "+".
          to: message.to.replace(/^\+/, ''),
          text: message.body,
          ...(smsSize(message.body).encoding === 'UCS-2' ? { type: 'unicode' } : {}),
        };
        const form = config.signature_secret ? signed(params, config.signature_secret, config.signature_method) : { ...params, api_secret: config.api_secret };
        const response = await client.request({
          method: 'POST',
          url: `${config.endpoint}/sms/json`,
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
          body: new URLSearchParams(form).toString(),
        });
        assertSuccess(what, response);
        const refused = refusedMessages(response.body);
        if (refused === undefined) throw new Error(`${what}: the answer is not the SMS API's JSON: ${response.body.slice(0, 300)}`);
        if (refused.length > 0) throw new Error(`${what}: ${refused.map((m) => `status ${m.status}: ${m.text}`).join('; ')}`);
      },
      async close() {
        client.close();
      },
    };
  },
});

/**
 * The parameters with `timestamp` and `sig` (Vonage "signing requests"): every
 * parameter sorted by name as `&name=value`, `&` and `=` in values replaced by `_`;
 * `md5hash` appends the secret and takes the MD5, the others are an HMAC keyed by it.
 */
export function signed(params: Record<string, string>, secret: string, method: 'md5hash' | 'md5' | 'sha1' | 'sha256' | 'sha512', now = Date.now()): Record<string, string> {
  const all = { ...params, timestamp: String(Math.floor(now / 1000)) };
  const text = Object.keys(all)
    .sort()
    .map((k) => `&${k}=${(all[k as keyof typeof all] ?? '').replace(/[&=]/g, '_')}`)
    .join('');
  const sig = method === 'md5hash' ? createHash('md5').update(text + secret).digest('hex') : createHmac(method, secret).update(text).digest('hex');
  return { ...all, sig };
}

/** The refused messages of an answer (status other than "0"), or undefined when the answer is not the SMS API's. */
function refusedMessages(body: string): { status: string; text: string }[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  const messages = typeof value === 'object' && value !== null ? (value as { messages?: unknown }).messages : undefined;
  if (!Array.isArray(messages) || messages.length === 0) return undefined;
  return messages
    .map((m: unknown) => (typeof m === 'object' && m !== null ? (m as Record<string, unknown>) : {}))
    .filter((m) => String(m.status) !== '0')
    .map((m) => ({ status: String(m.status ?? '?'), text: String(m['error-text'] ?? '') }));
}
