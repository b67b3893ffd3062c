import { createTransport } from 'nodemailer';
import { bool, oneOf, port, text } from '../config-fields';
import { BUILT_IN_TEMPLATES } from '../templates/built-in';
import { withTimeout } from '../timeout';
import { defineProviderKind, deliveryError, ProviderSetupError, type AddressCheck, type Provider } from './provider';
import { errorMessage } from '../errors';

// Pragmatic e-mail check: one @, a dotted domain, no spaces, quotes, brackets or separators.
const EMAIL = /^[^\s@<>()\[\]",;:\\]+@[^\s@<>()\[\]",;:\\]+\.[^\s@<>()\[\]",;:\\]{2,}$/;

const SASL = { login: 'LOGIN', plain: 'PLAIN', cram: 'CRAM-MD5', none: undefined } as const;

/** `[providers.smtp]`: e-mail through any SMTP server, with a pooled nodemailer transport. */
export const smtpProvider = defineProviderKind({
  shape: {
    host: text('localhost'),
    port: port(25),
    username: text(''),
    password: text(''),
    auth_protocol: oneOf('none', ['login', 'plain', 'cram', 'none'] as const),
    tls_type: oneOf('none', ['none', 'STARTTLS', 'TLS'] as const),
    tls_skip_verify: bool(false),
    opportunistic_tls: bool(true),
    from_email: text('OTP verification <otp@localhost>'),
  },
  requiredWhenEnabled: ['host', 'from_email'],
  create(config, { id, logger }): Provider {
    const authMethod = SASL[config.auth_protocol];
    if (authMethod && config.username === '') {
      throw new ProviderSetupError('username', `required when auth_protocol = "${config.auth_protocol}" (or set auth_protocol = "none")`);
    }
    // With tls_type = "none", a LOGIN/PLAIN password would cross the wire as base64: upgrade when the server offers STARTTLS.
    const clearPassword = config.tls_type === 'none' && (config.auth_protocol === 'login' || config.auth_protocol === 'plain');
    if (clearPassword) logger.warn(clearPasswordWarning(id, config.auth_protocol, config.opportunistic_tls));
    const transport = createTransport({
      pool: true,
      maxConnections: config.max_conns,
      host: config.host,
      port: config.port,
      // TLS: encrypted from the first byte (usually port 465). STARTTLS: upgrade is
      // mandatory, never silently plain. none: plain text even if the server offers STARTTLS,
      // unless a password is sent (then STARTTLS when offered, unless opportunistic_tls = false).
      secure: config.tls_type === 'TLS',
      requireTLS: config.tls_type === 'STARTTLS',
      ignoreTLS: config.tls_type === 'none' && !(clearPassword && config.opportunistic_tls),
      auth: authMethod ? { user: config.username, pass: config.password } : undefined,
      authMethod,
      tls: { rejectUnauthorized: !config.tls_skip_verify },
      connectionTimeout: config.timeout,
      greetingTimeout: config.timeout,
      socketTimeout: config.timeout,
      // Messages come from templates, never from callers' files or URLs.
      disableFileAccess: true,
      disableUrlAccess: true,
    });
    // An unhandled 'error' event would end the process; a broken pooled connection is only worth a line in the log.
    transport.on('error', (err: Error) => logger.warn({ err: err.message }, 'smtp transport error'));
    const what = `smtp ${config.host}:${config.port}`;
    return {
      id,
      channelName: 'E-mail',
      labelKey: 'email',
      addressName: 'E-mail ID',
      channelDescription: 'We have sent a verification code to your e-mail. Enter it below, or open the link in the e-mail.',
      addressDescription: 'Enter your e-mail address to receive a verification code.',
      maxAddressLength: 254,
      addressKind: 'email',
      otpLength: config.otp_length,
      bodyFormat: 'html',
      defaultSubject: BUILT_IN_TEMPLATES.channelSubject,
      defaultTemplate: BUILT_IN_TEMPLATES.email,
      validateAddress: validateEmail,
      async send(message) {
        const mail = { from: config.from_email, to: message.to, subject: message.subject, html: message.body, text: message.text };
        try {
          await withTimeout(transport.sendMail(mail), config.timeout, what);
        } catch (err) {
          const response = (err as { response?: unknown }).response;
          const reason = errorMessage(err);
          throw deliveryError(what, typeof response === 'string' && !reason.includes(response) ? `${reason} (${response})` : reason);
        }
      },
      async close() {
        transport.close();
      },
    };
  },
});

/** The startup warning for a password that may cross the wire unencrypted. */
function clearPasswordWarning(id: string, protocol: string, opportunistic: boolean): string {
  const setting = `providers.${id}: auth_protocol = "${protocol}" with tls_type = "none"`;
  const fix = 'Set tls_type = "STARTTLS" (or "TLS") to require encryption.';
  return opportunistic
    ? `${setting}: the password is sent after STARTTLS when the server offers it, and in clear when it does not (or when someone on the path removes the offer). ${fix}`
    : `${setting} and opportunistic_tls = false: the password is sent in clear. ${fix}`;
}

/** An e-mail address with its domain lower-cased (the local part is case-sensitive by the RFC), or why not. */
export function validateEmail(to: string): AddressCheck {
  const address = to.trim();
  if (!address) return { ok: false, reason: 'the e-mail address is empty.' };
  if (address.length > 254) return { ok: false, reason: 'an e-mail address has at most 254 characters.' };
  if (!EMAIL.test(address)) return { ok: false, reason: 'it is not a valid e-mail address (expected name@example.com).' };
  const at = address.lastIndexOf('@');
  return { ok: true, address: address.slice(0, at) + address.slice(at).toLowerCase() };
}
