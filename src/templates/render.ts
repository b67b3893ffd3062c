import nunjucks from 'nunjucks';

/** Variables available to subjects and message templates. */
export interface MessageVars {
  to: string;
  namespace: string;
  channel: string;
  otp: string;
  otp_url: string;
  ttl_seconds: number;
  ttl_minutes: number;
  extra: unknown;
}

/** A compiled subject + body pair. */
export interface MessageTemplate {
  render(vars: MessageVars): { subject: string; body: string; text?: string };
}

// Go otpgateway template names → native names.
const GO_ALIASES: Record<string, string> = {
  OTP: 'otp',
  To: 'to',
  Namespace: 'namespace',
  Channel: 'channel',
  ChannelName: 'channel',
  OTPURL: 'otp_url',
  Extra: 'extra',
};

/** Rewrite Go-style placeholders (`{{ .OTP }}`) inside `{{ … }}` tags to their native names. */
export function fromGoSyntax(source: string): string {
  // The leading `-` (trim whitespace, same meaning in nunjucks) is kept; the trailing one stays in `inner`.
  return source.replace(/\{\{(-?)([^}]*)\}\}/g, (tag: string, trim: string, inner: string) =>
    inner.includes('.') ? `{{${trim}${inner.replace(/(^|[^\w.])\.([A-Z][A-Za-z]*)/g, (m, pre: string, name: string) => pre + (GO_ALIASES[name] ?? name))}}}` : tag,
  );
}

const environments = {
  html: new nunjucks.Environment(null, { autoescape: true, throwOnUndefined: false }),
  text: new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false }),
};

/**
 * Compile a subject and a body once, at startup: a syntax error throws here,
 * so a broken template is a config error, not a failure at send time.
 */
export function compileMessageTemplate(options: { subject: string; body: string; html: boolean; name: string }): MessageTemplate {
  const bodyEnv = options.html ? environments.html : environments.text;
  const subject = new nunjucks.Template(fromGoSyntax(options.subject), environments.text, `${options.name}:subject`, true);
  const body = new nunjucks.Template(fromGoSyntax(options.body), bodyEnv, `${options.name}:template`, true);
  // Render once with sample values so runtime errors (unknown filters…) also surface at startup.
  const sample: MessageVars = { to: 'to', namespace: 'ns', channel: 'ch', otp: '123456', otp_url: 'http://x', ttl_seconds: 300, ttl_minutes: 5, extra: {} };
  subject.render(sample);
  body.render(sample);
  return {
    render(vars) {
      const rendered = body.render(vars);
      return {
        subject: subject.render(vars).replace(/\s+/g, ' ').trim(),
        body: rendered,
        text: options.html ? htmlToText(rendered) : undefined,
      };
    },
  };
}

/** A readable plain-text alternative of an HTML e-mail body. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(style|head|script)[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<a\s[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, '$2 ($1)')
    .replace(/<(br|\/p|\/div|\/h\d|\/tr|\/li)[^>]*>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+/g, ' ')
    .replace(/\n\s*\n\s*(\n\s*)+/g, '\n\n')
    .split('\n')
    .map((l) => l.trim())
    .join('\n')
    .trim();
}
