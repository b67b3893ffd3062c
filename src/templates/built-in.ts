import { requirePackagedText } from '../assets';

function builtIn(file: string): string {
  return requirePackagedText(`templates/${file}`);
}

/**
 * The built-in message templates (nunjucks source), read once from `templates/`;
 * their sentences are in the catalogs (locales/), so every language has them.
 * Each provider uses one as its default; `subject` and `template` override them.
 */
export const BUILT_IN_TEMPLATES = {
  /** HTML e-mail: the code, the one-click link and the validity in minutes. */
  email: builtIn('email.html'),
  /** Subject naming the namespace and the channel (e-mail, webhooks), in the message's language. */
  channelSubject: '{{ t("email.subject", {namespace: namespace, channel: channel}) }}',
  /** One short line (well under 160 characters) for SMS and chat channels. */
  sms: builtIn('sms.txt').trim(),
  /** Subject of SMS-like channels (not sent by them; shown by `log` and available to templates). */
  smsSubject: '{{ t("sms.subject", {namespace: namespace}) }}',
} as const;
