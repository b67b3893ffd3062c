/// <reference lib="dom" />
// Functions passed to page.evaluate run in the browser: the DOM types describe them.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { HOST_TENANT, scrollsHorizontally, startE2E, wrongCode, type E2E } from './support';

// A browser test does many round trips: leave room on a busy CI machine (each takes a few seconds normally).
jest.setTimeout(90_000);

const SCREENSHOTS = path.join(__dirname, '..', '..', 'docs', 'screenshots');

/** The pages and the modal in the user's language (i18n.md), in real Chromium. */
describe('the pages and the modal in other languages', () => {
  let e2e: E2E;
  const ns = HOST_TENANT.namespace;
  beforeAll(async () => {
    e2e = await startE2E({ config: () => ({ app: { otp_max_attempts: 3 } }) });
  });
  afterAll(() => e2e?.close());

  it('gives an Accept-Language: de browser the German code page, with the plural forms for 3 and 1 attempts left', async () => {
    const { page } = await e2e.newPage();
    await page.setExtraHTTPHeaders({ 'Accept-Language': 'de-DE,de;q=0.9,en;q=0.5' });
    const code = await e2e.create('lang-de-0001', { to: 'de@example.com' });
    await page.goto(`${e2e.gatewayUrl}/otp/${ns}/lang-de-0001`);
    expect(await page.getAttribute('html', 'lang')).toBe('de');
    expect(await page.textContent('h1')).toBe('Protokoll-Verifizierung');
    expect(await page.textContent('.attempts')).toBe('Noch 3 Versuche von 3');
    // The live countdown, through the sentence the page carries.
    await page.waitForFunction(() => /^Läuft ab in \d+:\d\d$/.test(document.querySelector('[data-countdown]')?.textContent ?? ''));
    for (const expected of ['Noch 2 Versuche von 3', 'Noch 1 Versuch von 3']) {
      await page.fill('#otp', wrongCode(code));
      await page.click('button[type=submit]');
      await page.waitForSelector('[role="alert"]:has-text("Falscher Code.")');
      expect(await page.textContent('.attempts')).toBe(expected);
    }
    await page.fill('#otp', code);
    await page.click('button[type=submit]');
    expect(await page.textContent('h1')).toBe('Verifiziert');
  });

  it('lays the Arabic page out right to left, without horizontal scroll at 320 px', async () => {
    const { page } = await e2e.newPage({ width: 320 });
    await page.setExtraHTTPHeaders({ 'Accept-Language': 'ar' });
    await e2e.create('lang-ar-0001', { to: 'a.very.long.address.for.testing@example.com' });
    await page.goto(`${e2e.gatewayUrl}/otp/${ns}/lang-ar-0001`);
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    expect(await page.getAttribute('html', 'lang')).toBe('ar');
    expect(await page.textContent('.attempts')).toBe('تبقّت 3 محاولات من 3');
    expect(await scrollsHorizontally(page)).toBe(false);
    // Mirrored: the label starts at the right edge of the form; the code and the address stay left to right.
    const [form, label] = await Promise.all([page.locator('form.form').boundingBox(), page.locator('label[for="otp"]').boundingBox()]);
    expect(Math.round((form?.x ?? 0) + (form?.width ?? 0))).toBe(Math.round((label?.x ?? 0) + (label?.width ?? 0)));
    expect(await page.evaluate(() => getComputedStyle(document.getElementById('otp') as HTMLElement).direction)).toBe('ltr');
    // Its screenshot (docs/screenshots/take-languages.js) is kept with the others.
    expect(readFileSync(path.join(SCREENSHOTS, 'code-ar-320px.png')).subarray(1, 4).toString()).toBe('PNG');
    expect(existsSync(path.join(SCREENSHOTS, 'code-de.png')) && existsSync(path.join(SCREENSHOTS, 'code-hi.png'))).toBe(true);
  });

  it('lets lang=hi given at create win over the browser\'s language', async () => {
    const { page } = await e2e.newPage();
    await page.setExtraHTTPHeaders({ 'Accept-Language': 'de' });
    await e2e.create('lang-hi-0001', { to: 'hi@example.com', lang: 'hi' });
    await page.goto(`${e2e.gatewayUrl}/otp/${ns}/lang-hi-0001`);
    expect(await page.getAttribute('html', 'lang')).toBe('hi');
    expect(await page.textContent('button[type=submit]')).toBe('सत्यापित करें');
    expect(await page.textContent('.attempts')).toBe('3 में से 3 प्रयास बाकी');
  });

  it('labels the modal\'s close button in the `lang` option\'s language, else in the host page\'s <html lang>', async () => {
    const { page } = await e2e.newPage();
    await e2e.create('lang-modal-01', { to: 'modal@example.com' });
    await page.goto(e2e.hostUrl);
    await page.waitForFunction(() => typeof (window as unknown as { OTPGateway?: unknown }).OTPGateway === 'function');
    type Open = (ns: string, id: string, onFinish?: () => void, onCancel?: () => void, options?: { lang?: string }) => { close(): void };
    const open = (lang: string | undefined, htmlLang: string): Promise<{ close: string | null; title: string | null; dir: string | null }> =>
      page.evaluate(({ ns, lang, htmlLang }) => {
        document.documentElement.lang = htmlLang;
        const modal = (window as unknown as { OTPGateway: Open }).OTPGateway(ns, 'lang-modal-01', () => undefined, () => undefined, lang ? { lang } : undefined);
        const dialog = document.querySelector('[role="dialog"]');
        const labels = { close: document.querySelector('.otpgw-close')?.getAttribute('aria-label') ?? null, title: dialog?.getAttribute('aria-label') ?? null, dir: dialog?.getAttribute('dir') ?? null };
        modal.close();
        return labels;
      }, { ns, lang, htmlLang });
    expect(await open('hi', 'en')).toEqual({ close: 'सत्यापन बंद करें', title: 'सत्यापन', dir: 'ltr' });
    expect(await open('ar', 'de')).toEqual({ close: 'إغلاق التحقق', title: 'التحقق', dir: 'rtl' });
    expect(await open(undefined, 'de-AT')).toEqual({ close: 'Verifizierung schließen', title: 'Verifizierung', dir: 'ltr' });
    expect(await open(undefined, 'pt')).toEqual(expect.objectContaining({ close: 'Fechar a verificação' }));
    expect(await open('ja', 'sv')).toEqual(expect.objectContaining({ close: 'Close verification' }));
    // The Promise form takes the options in place of the callbacks.
    const promised = await page.evaluate(async (ns) => {
      const w = window as unknown as { OTPGateway: (ns: string, id: string, options: { lang: string }) => Promise<unknown> & { close(): void } };
      const modal = w.OTPGateway(ns, 'lang-modal-01', { lang: 'fr' });
      const close = document.querySelector('.otpgw-close')?.getAttribute('aria-label');
      modal.close();
      return { close, outcome: await modal.then(() => 'finished', () => 'cancelled') };
    }, ns);
    expect(promised).toEqual({ close: 'Fermer la vérification', outcome: 'cancelled' });
  });
});
