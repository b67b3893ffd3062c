import { createHmac } from 'node:crypto';
import { int, oneOf, text, url } from '../config-fields';
import { BUILT_IN_TEMPLATES } from '../templates/built-in';
import { assertSuccess, createHttpClient } from './http-client';
import { MAX_PHONE_LENGTH, normalisePhone, phoneCode } from './phone';
import { defineProviderKind, type AddressCheck, type Provider } from './provider';

/**
 * `[webhooks.NAME]`: POSTs the OTP (with its code) and the rendered message as
 * JSON to any HTTP endpoint. Unlike the Go original, a non-2xx answer is a failure.
 */
export const webhookProvider = defineProviderKind({
  shape: {
    url: url('', { optional: true }),
    username: text(''),
    password: text(''),
    signing_secret: text(''),
    channel_name: text('Phone call'),
    address_name: text('Mobile number'),
    max_address_len: int(12, 1, 1000),
    max_otp_len: int(6, 1, 64),
    /** "phone": addresses are phone numbers, normalised to E.164 and held to the SMS pumping defence (sms_countries, range limits). */
    address: oneOf('text', ['text', 'phone'] as const),
    /** With address = "phone": the calling code of numbers typed without one. */
    default_phone_code: phoneCode(),
  },
  requiredWhenEnabled: ['url'],
  create(config, { id }): Provider {
    const phone = config.address === 'phone';
    const client = createHttpClient({ maxConns: config.max_conns, timeoutMs: config.timeout });
    const auth = config.username || config.password
      ? `Basic ${Buffer.from(`${config.username}:${config.password}`).toString('base64')}`
      : undefined;
    return {
      id,
      channelName: config.channel_name,
      addressName: config.address_name,
      channelDescription: `Enter the code you received by ${config.channel_name.toLowerCase()}.`,
      addressDescription: `Enter your ${config.address_name.toLowerCase()} to receive a verification code.`,
      // An E.164 number may be longer than the text default of 12 characters.
      maxAddressLength: phone ? MAX_PHONE_LENGTH : config.max_address_len,
      addressKind: phone ? 'phone' : undefined,
      otpLength: Math.min(config.otp_length, config.max_otp_len),
      bodyFormat: 'text',
      defaultSubject: BUILT_IN_TEMPLATES.channelSubject,
      defaultTemplate: BUILT_IN_TEMPLATES.sms,
      validateAddress(to): AddressCheck {
        if (phone) return normalisePhone(to, config.default_phone_code);
        const address = to.trim();
        if (!address) return { ok: false, reason: `the ${config.address_name.toLowerCase()} is empty.` };
        if (address.length > config.max_address_len) {
          return { ok: false, reason: `it is longer than ${config.max_address_len} characters.` };
        }
        return { ok: true, address };
      },
      async send(message) {
        // `sent_at` (signed with the rest) lets a receiver refuse replays of an old request.
        const body = JSON.stringify({ otp: message.otp, subject: message.subject, body: message.body, sent_at: new Date().toISOString() });
        const headers: Record<string, string> = { 'Content-Type': 'application/json', 'User-Agent': 'otpgateway' };
        if (auth) headers.Authorization = auth;
        if (config.signing_secret) {
          headers['X-OTPGateway-Signature'] = `sha256=${createHmac('sha256', config.signing_secret).update(body).digest('hex')}`;
        }
        assertSuccess(`webhook ${id}`, await client.request({ method: 'POST', url: config.url, headers, body }));
      },
      async close() {
        client.close();
      },
    };
  },
});
