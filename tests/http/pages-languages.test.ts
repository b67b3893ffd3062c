import request from 'supertest';
import { basic, buildTestGateway, TENANTS, type TestGateway } from '../helpers/gateway';

/** A namespace whose pages default to French (`[auth.X] default_language`). */
const FRENCH = { namespace: 'nsFr', secret: 'secret-of-tenant-Fr' };

async function create(gw: TestGateway, id: string, fields: Record<string, string>, tenant: { namespace: string; secret: string } = TENANTS.a): Promise<request.Response> {
  return request(gw.app).put(`/api/otp/${id}`).set('Authorization', basic(tenant)).type('form').send({ provider: 'log', to: 'john@example.com', ...fields });
}

/** The line the log provider wrote for an OTP id (the message it "sent"). */
function sentMessage(gw: TestGateway, id: string): string {
  const line = gw.logs.find((l) => l.includes('log provider: message') && l.includes(`/${id}?action=check`));
  return line ? String((JSON.parse(line) as { message: string }).message) : '';
}

function wrongCode(code: string): string {
  return code === '000000' ? '111111' : '000000';
}

describe.each(['memory', 'redis'] as const)('the language of the pages and messages on the %s store', (store) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await buildTestGateway({
      store,
      config: {
        app: { otp_max_attempts: 3, default_language: 'en' },
        auth: { Fr: { ...FRENCH, default_language: 'fr' } },
        rate_limit: { pages_per_ip: 0, sends_per_address: 0 },
      },
    });
  });
  afterAll(() => gw.close());

  it('stores `lang` given at create, canonicalised, and answers a malformed one with 400 invalid_field naming lang', async () => {
    expect((await create(gw, 'lang-api-1', { lang: 'pt-br' })).status).toBe(200);
    const page = await request(gw.app).get('/otp/nsA/lang-api-1');
    expect(page.text).toContain('<html lang="pt-BR" dir="ltr">');
    const bad = await create(gw, 'lang-api-2', { lang: 'en_US' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'invalid_field', data: { field: 'lang' }, message: expect.stringMatching(/`lang`.*"en_US"/) });
    const json = await request(gw.app).put('/api/otp/lang-api-3').set('Authorization', basic(TENANTS.a)).send({ provider: 'log', to: 'j@example.com', lang: ['de'] });
    expect(json.body).toMatchObject({ code: 'invalid_field', data: { field: 'lang' } });
  });

  it('writes the code page in the language of Accept-Language, with plural forms and the countdown sentences', async () => {
    await create(gw, 'lang-de-1', {});
    const res = await request(gw.app).get('/otp/nsA/lang-de-1').set('Accept-Language', 'fr;q=0.5, de-CH, de;q=0.9');
    expect(res.text).toContain('<html lang="de" dir="ltr">');
    expect(res.text).toContain('<h1>Protokoll-Verifizierung</h1>');
    expect(res.text).toContain('Noch 3 Versuche von 3');
    expect(res.text).toMatch(/data-countdown-text="Läuft ab in \{time\}" data-expired-text="Der Code ist abgelaufen">Läuft ab in 5 Minuten</);
    expect(res.text).toContain('>Erneut senden</button>');
    expect(res.text).toContain('<footer class="foot">Geben Sie diesen Code niemals an andere weiter.</footer>');
  });

  it('keeps the OTP\'s own language after a wrong code, on the locked page and on the verified page', async () => {
    const code = (await create(gw, 'lang-hi-1', { lang: 'hi' })).body.data.otp as string;
    const wrong = await request(gw.app).post('/otp/nsA/lang-hi-1').set('Accept-Language', 'de').type('form').send({ action: 'check', otp: wrongCode(code) });
    expect(wrong.text).toMatch(/role="alert">गलत कोड।</);
    expect(wrong.text).toContain('3 में से 2 प्रयास बाकी');
    const right = await request(gw.app).post('/otp/nsA/lang-hi-1').set('Accept-Language', 'de').type('form').send({ action: 'check', otp: code });
    expect(right.text).toContain('<h1>सत्यापित</h1>');

    const locked = (await create(gw, 'lang-ar-1', { lang: 'ar', max_attempts: '1' })).body.data.otp as string;
    const last = await request(gw.app).post('/otp/nsA/lang-ar-1').type('form').send({ action: 'check', otp: wrongCode(locked) });
    expect(last.status).toBe(429);
    expect(last.text).toContain('<html lang="ar" dir="rtl">');
    expect(last.text).toContain('<h1>محاولات كثيرة جدًا</h1>');
    expect(last.text).toMatch(/حاول مرة أخرى بعد \d+ دقائق( و\d+ ثانية)?\./);
  });

  it('uses the namespace default, then the app default, when Accept-Language matches no catalog', async () => {
    await create(gw, 'lang-ns-1', {}, FRENCH);
    const french = await request(gw.app).get('/otp/nsFr/lang-ns-1').set('Accept-Language', 'ja, sv;q=0.8');
    expect(french.text).toContain('<html lang="fr" dir="ltr">');
    expect(french.text).toContain('3 essais restants sur 3');
    await create(gw, 'lang-app-1', {});
    const english = await request(gw.app).get('/otp/nsA/lang-app-1').set('Accept-Language', 'ja');
    expect(english.text).toContain('<html lang="en" dir="ltr">');
  });

  it('writes the pages without an OTP (expired, 404) in the browser\'s language', async () => {
    const expired = await request(gw.app).get('/otp/nsA/no-such-otp-1').set('Accept-Language', 'es');
    expect(expired.status).toBe(404);
    expect(expired.text).toContain('<h1>Este enlace ha caducado</h1>');
    const missing = await request(gw.app).get('/nothing/here').set('Accept-Language', 'ar');
    expect(missing.text).toContain('<html lang="ar" dir="rtl">');
    expect(missing.text).toContain('<h1>الصفحة غير موجودة</h1>');
  });

  it('translates the address page and its errors', async () => {
    await create(gw, 'lang-addr-1', { to: '' });
    const form = await request(gw.app).get('/otp/nsA/lang-addr-1/address').set('Accept-Language', 'pt-BR');
    expect(form.text).toMatch(/<label class="label" for="to">Endereço<\/label>/);
    expect(form.text).toContain('>Continuar</button>');
    const empty = await request(gw.app).post('/otp/nsA/lang-addr-1/address').set('Accept-Language', 'pt-BR').type('form').send({ to: '' });
    expect(empty.text).toMatch(/role="alert">Digite seu endereço\.</);
  });

  it('sends the message in the OTP\'s language, else the namespace default, with the encoding and segments in the delivery log line', async () => {
    await create(gw, 'lang-msg-1', { lang: 'de' });
    expect(sentMessage(gw, 'lang-msg-1')).toMatch(/^\d{6} ist Ihr nsA-Bestätigungscode\. Gültig für 5 Min\. /);
    await create(gw, 'lang-msg-2', {}, FRENCH);
    expect(sentMessage(gw, 'lang-msg-2')).toMatch(/^\d{6} est votre code de vérification nsFr\. Valable 5 min\. /);
    const hindi = (await create(gw, 'lang-msg-3', { lang: 'hi' })).body.data.otp as string;
    const delivered = gw.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'otp delivered' && l.id === 'lang-msg-3');
    expect(delivered).toMatchObject({ provider: 'log', namespace: 'nsA', lang: 'hi', encoding: 'UCS-2', segments: expect.any(Number) });
    expect(JSON.stringify(delivered)).not.toContain(hindi);
  });
});

describe('/static/otp.js', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await buildTestGateway({ store: 'memory' });
  });
  afterAll(() => gw.close());

  it('is served with the modal labels of every catalog, with an ETag that answers 304', async () => {
    const res = await request(gw.app).get('/static/otp.js');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    const labels = JSON.parse(/var LABELS = (.*);$/m.exec(res.text)?.[1] ?? '{}') as Record<string, { close: string; title: string; dir: string }>;
    expect(Object.keys(labels).sort()).toEqual(['ar', 'de', 'en', 'es', 'fr', 'hi', 'pt-BR']);
    expect(labels.de).toEqual({ close: 'Verifizierung schließen', title: 'Verifizierung', dir: 'ltr' });
    expect(labels.ar?.dir).toBe('rtl');
    const again = await request(gw.app).get('/static/otp.js').set('If-None-Match', String(res.headers.etag));
    expect(again.status).toBe(304);
  });
});
