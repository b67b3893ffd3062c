import { BUILT_IN_TEMPLATES } from '../templates/built-in';
import { defineProviderKind, type Provider } from './provider';

/**
 * Development provider: writes the rendered message to the server log instead
 * of delivering it. The message contains the code, so never enable it in production.
 */
export const logProvider = defineProviderKind({
  shape: {},
  create(config, { id, logger }): Provider {
    return {
      id,
      channelName: 'Log',
      labelKey: 'log',
      addressName: 'Address',
      channelDescription: 'The code was written to the gateway log (development only).',
      addressDescription: 'Enter any address: the code is written to the gateway log.',
      maxAddressLength: 256,
      otpLength: config.otp_length,
      bodyFormat: 'text',
      defaultSubject: BUILT_IN_TEMPLATES.smsSubject,
      // The SMS line plus the one-click link, so a developer can follow it from the log.
      defaultTemplate: `${BUILT_IN_TEMPLATES.sms} {{ otp_url }}`,
      validateAddress(to) {
        const address = to.trim();
        return address ? { ok: true, address } : { ok: false, reason: 'the address is empty.' };
      },
      async send(message) {
        // Deliberately logged: this provider's only job is to show the message to a developer.
        // The logger is the registry's child for this provider: it already carries `provider`.
        logger.info({ to: message.to, subject: message.subject, message: message.body }, 'log provider: message');
      },
    };
  },
});
