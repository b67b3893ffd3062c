import nunjucks from 'nunjucks';
import { errorMessage } from '../errors';
import { REFERENCE_LANGUAGE } from '../i18n/catalogs';
import { shippedLanguages, type TranslationVars } from '../i18n/languages';

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
  /** The language to write in (a tag with a catalog; default English): templates call `t("key", {…})` and read `lang` and `dir`. */
  lang?: string;
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

/** A subject or body that does not compile or render; `part` names the config key at fault. */
export class TemplateError extends Error {
  /** `subject` or `template` (the body). */
  readonly part: 'subject' | 'template';

  constructor(part: 'subject' | 'template', message: string) {
    super(message);
    this.name = 'TemplateError';
    this.part = part;
  }
}

// Values to render once at startup, so that runtime errors (unknown filters…) surface there too.
const SAMPLE: MessageVars = { to: 'to', namespace: 'ns', channel: 'ch', otp: '123456', otp_url: 'http://x', ttl_seconds: 300, ttl_minutes: 5, extra: {} };

/**
 * Compile a subject and a body once, at startup: a syntax error throws a
 * TemplateError here, so a broken template is a config error, not a failure at send time.
 */
export function compileMessageTemplate(options: { subject: string; body: string; html: boolean; name: string }): MessageTemplate {
  const subject = compileOne(options.subject, environments.text, 'subject', options.name);
  const body = compileOne(options.body, options.html ? environments.html : environments.text, 'template', options.name);
  return {
    render(vars) {
      const context = withTranslations(vars);
      const rendered = body.render(context);
      return {
        subject: subject.render(context).replace(/\s+/g, ' ').trim(),
        body: rendered,
        text: options.html ? htmlToText(rendered) : undefined,
      };
    },
  };
}

/** The variables plus the catalog of their language: `t(key, vars)`, `lang` and `dir` (the built-in templates are all sentences of locales/). */
function withTranslations(vars: MessageVars): object {
  const tr = shippedLanguages().translator(vars.lang ?? REFERENCE_LANGUAGE);
  return { ...vars, lang: tr.lang, dir: tr.dir, t: (key: string, values?: TranslationVars): string => tr.t(key, values) };
}

function compileOne(source: string, env: nunjucks.Environment, part: 'subject' | 'template', name: string): nunjucks.Template {
  try {
    const template = new nunjucks.Template(fromGoSyntax(source), env, `${name}.${part}`, true);
    template.render(withTranslations(SAMPLE));
    return template;
  } catch (err) {
    throw new TemplateError(part, describeNunjucksError(err));
  }
}

/** nunjucks says "(name) [Line 1, Column 7]\n  unexpected token: %}"; keep "line 1, column 7: unexpected token: %}". */
function describeNunjucksError(err: unknown): string {
  const message = errorMessage(err);
  const position = /\[Line (\d+), Column (\d+)\]/.exec(message);
  const reason = message
    .split('\n')
    .slice(1)
    .map((line) => line.trim().replace(/^Error: /, ''))
    .filter(Boolean)
    .join(' ') || message;
  return position ? `line ${position[1]}, column ${position[2]}: ${reason}` : reason;
}

/** A readable plain-text alternative of an HTML e-mail body. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(style|head|script)[^>]*>[\s\S]*?<\/\1>/gi, '')
    // A link becomes "text (url)", or just the url when its text is the url itself.
    .replace(/<a\s[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, (_m, href: string, label: string) => {
      const text = label.replace(/<[^>]+>/g, '').trim();
      return text === '' || text === href ? href : `${text} (${href})`;
    })
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
