import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createTransport } from 'nodemailer';
import { bool, oneOf, port, text } from '../config/fields';
import { PACKAGE_ROOT } from '../paths';
import { withTimeout } from '../timeout';
import { defineProviderKind, type Provider } from './provider';

/** Built-in HTML body of e-mails (overridable with `template`). */
const DEFAULT_EMAIL_TEMPLATE = readFileSync(path.join(PACKAGE_ROOT, 'templates', 'email.html'), 'utf8');

// Pragmatic e-mail check: one @, a dotted domain, no spaces or angle brackets.
const EMAIL = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]{2,}$/;

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
    from_email: text('OTP verification <otp@localhost>'),
  },
  requiredWhenEnabled: ['host', 'from_email'],
  create(config, { id }): Provider {
    const authMethod = { login: 'LOGIN', plain: 'PLAIN', cram: 'CRAM-MD5', none: undefined }[config.auth_protocol];
    const transport = createTransport({
      pool: true,
      maxConnections: config.max_conns,
      host: config.host,
      port: config.port,
      secure: config.tls_type === 'TLS',
      requireTLS: config.tls_type === 'STARTTLS',
      ignoreTLS: config.tls_type === 'none',
      auth: authMethod ? { user: config.username, pass: config.password } : undefined,
      authMethod,
      tls: { rejectUnauthorized: !config.tls_skip_verify },
      connectionTimeout: config.timeout,
      greetingTimeout: config.timeout,
      socketTimeout: config.timeout,
    });
    return {
      id,
      channelName: 'E-mail',
      addressName: 'E-mail ID',
      channelDescription: 'We have sent a verification code to your e-mail. Enter it below, or open the link in the e-mail.',
      addressDescription: 'Enter your e-mail address to receive a verification code.',
      maxAddressLength: 254,
      otpLength: config.otp_length,
      bodyFormat: 'html',
      defaultSubject: '{{ namespace }}: {{ channel }} verification',
      defaultTemplate: DEFAULT_EMAIL_TEMPLATE,
      validateAddress(to) {
        const address = to.trim();
        if (!address) return { ok: false, reason: 'the e-mail address is empty.' };
        if (address.length > 254 || !EMAIL.test(address)) return { ok: false, reason: 'it is not a valid e-mail address.' };
        const at = address.lastIndexOf('@');
        return { ok: true, address: address.slice(0, at) + address.slice(at).toLowerCase() };
      },
      async send(message) {
        const mail = { from: config.from_email, to: message.to, subject: message.subject, html: message.body, text: message.text };
        await withTimeout(transport.sendMail(mail), config.timeout, `smtp ${config.host}:${config.port}`);
      },
      async close() {
        transport.close();
      },
    };
  },
});
