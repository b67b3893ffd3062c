import { BUILT_IN_TEMPLATES } from '../../src/templates/built-in';
import { compileMessageTemplate, htmlToText, TemplateError, type MessageVars } from '../../src/templates/render';

const VARS: MessageVars = {
  to: 'jane@example.com',
  namespace: 'MyApp',
  channel: 'E-mail',
  otp: '493817',
  otp_url: 'http://localhost:9000/otp/MyApp/abc123?action=check&otp=493817',
  ttl_seconds: 300,
  ttl_minutes: 5,
  extra: {},
};

describe('the built-in e-mail template', () => {
  const email = compileMessageTemplate({ subject: BUILT_IN_TEMPLATES.channelSubject, body: BUILT_IN_TEMPLATES.email, html: true, name: 'smtp' });

  it('carries the code, the one-click link and the validity in minutes, with a matching subject', () => {
    const { subject, body } = email.render(VARS);
    expect(subject).toBe('MyApp: E-mail verification');
    expect(body).toContain('>493817</p>');
    expect(body).toContain('href="http://localhost:9000/otp/MyApp/abc123?action=check&amp;otp=493817"');
    expect(body).toContain('valid for 5 minutes');
    expect(body).toContain('jane@example.com');
  });

  it('says "1 minute", not "1 minutes"', () => {
    expect(email.render({ ...VARS, ttl_seconds: 60, ttl_minutes: 1 }).body).toContain('valid for 1 minute.');
  });

  it('has a plain-text alternative with the code, the link spelled out and no markup', () => {
    const text = email.render(VARS).text ?? '';
    expect(text).toContain('493817');
    expect(text).toContain('Verify in one click (http://localhost:9000/otp/MyApp/abc123?action=check&otp=493817)');
    expect(text).toContain('The code is valid for 5 minutes.');
    expect(text).not.toMatch(/<|&amp;|\{\{/);
  });

  it('escapes values, so an address cannot inject markup', () => {
    const { body } = email.render({ ...VARS, to: '<img src=x onerror=alert(1)>@example.com' });
    expect(body).not.toContain('<img');
    expect(body).toContain('&lt;img src=x onerror=alert(1)&gt;@example.com');
  });
});

describe('the built-in SMS line', () => {
  const sms = compileMessageTemplate({ subject: BUILT_IN_TEMPLATES.smsSubject, body: BUILT_IN_TEMPLATES.sms, html: false, name: 'kaleyra_sms' });

  it('is one line with the code and the validity, under 160 characters even for the longest namespace', () => {
    const { body } = sms.render({ ...VARS, namespace: 'N'.repeat(64), ttl_minutes: 1440 });
    expect(body).not.toContain('\n');
    expect(body.length).toBeLessThan(160);
    expect(sms.render(VARS).body).toBe('493817 is your MyApp verification code. Valid for 5 min.');
  });

  it('is not HTML-escaped', () => {
    expect(sms.render({ ...VARS, namespace: 'Tom & Jerry' }).body).toContain('Tom & Jerry');
  });
});

describe('compiling templates', () => {
  it('collapses whitespace in subjects, so a template cannot break the header onto several lines', () => {
    const t = compileMessageTemplate({ subject: 'Code\n  {{ otp }}\r\n for {{ to }}', body: '', html: false, name: 'x' });
    expect(t.render(VARS).subject).toBe('Code 493817 for jane@example.com');
  });

  it('gives text bodies no separate text alternative', () => {
    expect(compileMessageTemplate({ subject: 's', body: '{{ otp }}', html: false, name: 'x' }).render(VARS).text).toBeUndefined();
  });

  it.each([
    ['{{ otp ', 'template', 'expected variable end'],
    ['{% for x in %}{% endfor %}', 'template', 'line 1, column 13: unexpected token: %}'],
    ['{{ otp | nosuch }}', 'template', 'filter not found: nosuch'],
  ])('throws a TemplateError naming the part for %j', (source, part, message) => {
    for (const which of ['subject', 'template'] as const) {
      const options = which === 'subject' ? { subject: source, body: 'ok' } : { subject: 'ok', body: source };
      let caught: unknown;
      try {
        compileMessageTemplate({ ...options, html: true, name: 'providers.x' });
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(TemplateError);
      expect((caught as TemplateError).part).toBe(which === 'subject' ? 'subject' : part);
      expect((caught as TemplateError).message).toBe(message);
    }
  });
});

describe('htmlToText', () => {
  it('drops head and style, keeps paragraphs apart and decodes entities', () => {
    expect(htmlToText('<html><head><title>T</title><style>p{}</style></head><body><p>A &amp; B</p><p>C&nbsp;&lt;D&gt;</p></body></html>')).toBe(
      'A & B\nC <D>',
    );
  });

  it('writes a link whose text is its address once', () => {
    expect(htmlToText('<a href="https://x.test/a?b=1&amp;c=2">https://x.test/a?b=1&amp;c=2</a>')).toBe('https://x.test/a?b=1&c=2');
  });
});
