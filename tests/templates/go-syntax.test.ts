import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compileMessageTemplate, type MessageVars } from '../../src/templates/render';

const VARS: MessageVars = {
  to: 'jane+<b>@example.com',
  namespace: 'MyApp',
  channel: 'E-mail',
  otp: '493817',
  otp_url: 'http://localhost:9000/otp/MyApp/abc?action=check&otp=493817',
  ttl_seconds: 300,
  ttl_minutes: 5,
  extra: { plan: 'pro' },
};

/** Render `body` (and a subject) as a provider would; `html` picks the escaping body environment. */
function render(body: string, options: { html: boolean; subject?: string }): { subject: string; body: string } {
  return compileMessageTemplate({ subject: options.subject ?? body, body, html: options.html, name: 'test' }).render(VARS);
}

// Each Go otpgateway placeholder and the native name it stands for (config.md "Compatibility").
const PAIRS: [string, string][] = [
  ['{{ .OTP }}', '{{ otp }}'],
  ['{{ .To }}', '{{ to }}'],
  ['{{ .Namespace }}', '{{ namespace }}'],
  ['{{ .Channel }}', '{{ channel }}'],
  ['{{ .ChannelName }}', '{{ channel }}'],
  ['{{ .OTPURL }}', '{{ otp_url }}'],
];

describe('Go-style placeholders', () => {
  it.each(PAIRS)('%s renders exactly like %s, in HTML bodies, text bodies and subjects', (go, native) => {
    for (const html of [true, false]) {
      const fromGo = render(`<p>${go}</p>`, { html });
      const fromNative = render(`<p>${native}</p>`, { html });
      expect(fromGo).toEqual(fromNative);
      expect(fromGo.body).not.toContain('{{');
    }
  });

  it('render the values themselves, escaped in HTML and verbatim in text', () => {
    const template = 'Code {{ .OTP }} for {{ .To }} at {{ .Namespace }} by {{ .ChannelName }}: {{ .OTPURL }}';
    expect(render(template, { html: false }).body).toBe(
      'Code 493817 for jane+<b>@example.com at MyApp by E-mail: http://localhost:9000/otp/MyApp/abc?action=check&otp=493817',
    );
    expect(render(template, { html: true }).body).toBe(
      'Code 493817 for jane+&lt;b&gt;@example.com at MyApp by E-mail: http://localhost:9000/otp/MyApp/abc?action=check&amp;otp=493817',
    );
  });

  it('are recognised without spaces, next to native tags, and with Go whitespace trimming on either side', () => {
    expect(render('{{.OTP}}/{{ otp }}/{{ .Namespace}}', { html: false }).body).toBe('493817/493817/MyApp');
    expect(render('a  {{- .OTP }}  b', { html: false }).body).toBe('a493817  b');
    expect(render('a  {{ .OTP -}}  b', { html: false }).body).toBe('a  493817b');
    expect(render('a  {{- .OTP -}}  b', { html: false }).body).toBe('a493817b');
  });

  it('reach fields of extra and leave dots inside strings alone', () => {
    expect(render('{{ .Extra.plan }} {{ "v1.Two" }}', { html: false }).body).toBe('pro v1.Two');
  });
});

describe('the Go-syntax template files shipped for the Go sample config', () => {
  const root = path.join(__dirname, '..', '..');

  it('static/smtp.tpl renders an HTML e-mail with the code, the link, the namespace, the channel and the escaped address', () => {
    const source = readFileSync(path.join(root, 'static', 'smtp.tpl'), 'utf8');
    const { body } = render(source, { html: true, subject: '{{ .Namespace }}: {{ .Channel }} verification' });
    expect(body).toContain('493817');
    expect(body).toContain('href="http://localhost:9000/otp/MyApp/abc?action=check&amp;otp=493817"');
    expect(body).toContain('MyApp');
    expect(body).toContain('E-mail');
    expect(body).toContain('jane+&lt;b&gt;@example.com');
    expect(body).not.toMatch(/\{\{|\}\}/);
  });

  it('static/sms.txt renders a one-line text message with the code', () => {
    const source = readFileSync(path.join(root, 'static', 'sms.txt'), 'utf8');
    const { body } = render(source, { html: false });
    expect(body.trim()).toBe('493817 is your MyApp verification code.');
  });
});
