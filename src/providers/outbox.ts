import { oneOf, text, int } from '../config-fields';
import { MemoryOutbox } from '../outbox/memory-outbox';
import { BUILT_IN_TEMPLATES } from '../templates/built-in';
import { MAX_PHONE_LENGTH, normalisePhone, phoneCode } from './phone';
import { defineProviderKind, type AddressCheck, type Provider } from './provider';
import { validateEmail } from './smtp';

/** How each `address` setting labels and checks addresses. */
const ADDRESSES = {
  phone: { addressName: 'Mobile number', maxLength: MAX_PHONE_LENGTH, kind: 'phone' },
  email: { addressName: 'E-mail address', maxLength: 254, kind: 'email' },
  any: { addressName: 'Address', maxLength: 256, kind: 'text' },
} as const;

/**
 * A fake SMS gateway (outbox.md): the gateway renders the message as for any
 * provider, and this one keeps it in the outbox (Redis or memory, see
 * src/outbox/) instead of delivering it, for `GET /api/outbox`, the outbox
 * page and load tests to read back. Codes are readable through the API:
 * development, CI and load tests only.
 */
export const outboxProvider = defineProviderKind({
  shape: {
    channel_name: text('Outbox'),
    address: oneOf('phone', ['phone', 'email', 'any']),
    default_phone_code: phoneCode(),
    max_messages: int(1000, 1, 100_000),
  },
  create(config, { id, outbox = new MemoryOutbox() }): Provider {
    const address = ADDRESSES[config.address];
    const validateAddress = (to: string): AddressCheck => {
      if (config.address === 'phone') return normalisePhone(to, config.default_phone_code);
      if (config.address === 'email') return validateEmail(to);
      const trimmed = to.trim();
      return trimmed ? { ok: true, address: trimmed } : { ok: false, reason: 'the address is empty.' };
    };
    return {
      id,
      channelName: config.channel_name,
      addressName: address.addressName,
      channelDescription: `Enter the code from the ${config.channel_name} message.`,
      addressDescription: `Enter your ${address.addressName.toLowerCase()} to receive a verification code.`,
      maxAddressLength: address.maxLength,
      addressKind: address.kind,
      otpLength: config.otp_length,
      bodyFormat: 'text',
      // The SMS templates: the outbox stands in for an SMS gateway.
      defaultSubject: BUILT_IN_TEMPLATES.smsSubject,
      defaultTemplate: BUILT_IN_TEMPLATES.sms,
      validateAddress,
      async send(message) {
        const { namespace, id: otpId, otp } = message.otp;
        await outbox.add(
          { namespace, id: otpId, to: message.to, channel: config.channel_name, subject: message.subject, body: message.body, otp, at: new Date().toISOString() },
          { max: config.max_messages },
        );
      },
    };
  },
});
