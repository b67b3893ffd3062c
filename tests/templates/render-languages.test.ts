import { BUILT_IN_TEMPLATES } from '../../src/templates/built-in';
import { compileMessageTemplate, type MessageVars } from '../../src/templates/render';

const VARS: MessageVars = {
  to: 'jane@example.com',
  namespace: 'MyApp',
  channel: 'E-Mail',
  otp: '493817',
  otp_url: 'http://localhost:9000/otp/MyApp/abc123?action=check&otp=493817',
  ttl_seconds: 300,
  ttl_minutes: 5,
  extra: {},
};

describe('the built-in templates in other languages', () => {
  const email = compileMessageTemplate({ subject: BUILT_IN_TEMPLATES.channelSubject, body: BUILT_IN_TEMPLATES.email, html: true, name: 'smtp' });
  const sms = compileMessageTemplate({ subject: BUILT_IN_TEMPLATES.smsSubject, body: BUILT_IN_TEMPLATES.sms, html: false, name: 'sms' });

  it('writes the e-mail in German, with the plural of the validity and the html lang', () => {
    const { subject, body, text } = email.render({ ...VARS, lang: 'de' });
    expect(subject).toBe('MyApp: E-Mail-Verifizierung');
    expect(body).toContain('<html lang="de" dir="ltr">');
    expect(body).toContain('Geben Sie diesen Code ein, um jane@example.com zu bestätigen:');
    expect(body).toContain('Der Code ist 5 Minuten gültig.');
    expect(email.render({ ...VARS, lang: 'de', ttl_minutes: 1 }).body).toContain('Der Code ist 1 Minute gültig.');
    expect(text).toContain('Mit einem Klick bestätigen (http://localhost:9000/otp/MyApp/abc123?action=check&otp=493817)');
  });

  it('writes the Arabic e-mail right to left, the code itself left to right', () => {
    const { body } = email.render({ ...VARS, lang: 'ar', ttl_minutes: 2 });
    expect(body).toContain('<html lang="ar" dir="rtl">');
    expect(body).toContain('الرمز صالح لمدة دقيقتين.');
    expect(body).toMatch(/<p dir="ltr"[^>]*>493817<\/p>/);
  });

  it('still escapes values inside translated sentences', () => {
    expect(email.render({ ...VARS, lang: 'fr', to: '<img src=x>@example.com' }).body).toContain('Saisissez ce code pour vérifier &lt;img src=x&gt;@example.com :');
  });

  it('writes the SMS line in each language', () => {
    expect(sms.render({ ...VARS, lang: 'hi' }).body).toBe('493817 आपका MyApp सत्यापन कोड है। 5 मिनट तक मान्य।');
    expect(sms.render({ ...VARS, lang: 'ar', ttl_minutes: 5 }).body).toBe('رمز التحقق لـMyApp: 493817. صالح 5 دقائق.');
    expect(sms.render({ ...VARS, lang: 'es' }).subject).toBe('Verificación de MyApp');
  });
});
