/// <reference lib="dom" />
// Functions passed to page.evaluate run in the browser: the DOM types describe them.
import { foreignRequests, HOST_TENANT, scrollsHorizontally, startE2E, wrongCode, type E2E } from './support';

// A browser test does many round trips: leave room on a busy CI machine (each takes a few seconds normally).
jest.setTimeout(90_000);

/** The gateway's own pages in real Chromium, without the modal. */
describe('the verification pages in a browser', () => {
  let e2e: E2E;
  const ns = HOST_TENANT.namespace;
  beforeAll(async () => {
    e2e = await startE2E({ config: () => ({ app: { otp_max_attempts: 3 } }) });
  });
  afterAll(() => e2e?.close());

  it('work without JavaScript: address, wrong code, right code, with plain forms', async () => {
    const { page, requests } = await e2e.newPage({ javaScriptEnabled: false });
    await e2e.create('nojs-000001', {});
    await page.goto(`${e2e.gatewayUrl}/otp/${ns}/nojs-000001`);
    expect(new URL(page.url()).pathname).toBe(`/otp/${ns}/nojs-000001/address`);
    await page.fill('#to', 'nojs@example.com');
    await page.click('button[type=submit]');
    expect(new URL(page.url()).pathname).toBe(`/otp/${ns}/nojs-000001`);
    expect(await page.textContent('[data-countdown]')).toMatch(/^Expires in \d+ minutes?/);
    const code = e2e.codeFor('nojs-000001');
    await page.fill('#otp', wrongCode(code));
    await page.click('button[type=submit]');
    expect(await page.textContent('[role="alert"]')).toBe('Incorrect OTP.');
    expect(await page.textContent('.attempts')).toBe('2 of 3 attempts left');
    await page.fill('#otp', code);
    await page.click('button[type=submit]');
    expect(await page.textContent('h1')).toBe('Verified');
    expect(await e2e.apiStatus('nojs-000001')).toBe(200);
    expect(foreignRequests(requests, [e2e.gatewayUrl])).toEqual([]);
  });

  it('does not verify when the e-mail link is opened, only when Confirm is pressed', async () => {
    const { page } = await e2e.newPage();
    const code = await e2e.create('link-000001', { to: 'link@example.com' });
    await page.goto(`${e2e.gatewayUrl}/otp/${ns}/link-000001?action=check&otp=${code}`);
    expect(await page.inputValue('#otp')).toBe(code);
    expect(await page.locator('button').count()).toBe(1);
    // Let the page run its poll at least once: it must not verify anything either.
    await page.waitForResponse((r) => r.url().endsWith(`/otp/${ns}/link-000001/status`));
    expect(await e2e.apiStatus('link-000001')).toBe(400);
    await page.click('button:has-text("Confirm")');
    await page.waitForSelector('h1:has-text("Verified")');
    expect(await e2e.apiStatus('link-000001')).toBe(200);
  });

  it('runs the countdown and closes itself when the code is confirmed elsewhere', async () => {
    const { page, consoleErrors } = await e2e.newPage();
    const code = await e2e.create('poll-000001', { to: 'poll@example.com' });
    await page.goto(`${e2e.gatewayUrl}/otp/${ns}/poll-000001`);
    await page.waitForFunction(() => /^Expires in \d+:\d\d$/.test(document.querySelector('[data-countdown]')?.textContent ?? ''));
    // Another tab (or the e-mail link) verifies the code.
    const other = await e2e.newPage();
    await other.page.goto(`${e2e.gatewayUrl}/otp/${ns}/poll-000001?action=check&otp=${code}`);
    await other.page.click('button:has-text("Confirm")');
    await page.waitForSelector('h1:has-text("Verified")');
    expect(consoleErrors.filter((m) => /Content Security Policy|Refused to/i.test(m))).toEqual([]);
  });

  it('fit a 320 px wide screen without horizontal scrolling', async () => {
    const { page } = await e2e.newPage({ width: 320 });
    await e2e.create('narrow-000001', { to: 'a.rather.long.address.for.a.narrow.screen@example.com', channel_description: 'A'.repeat(300) });
    await page.goto(`${e2e.gatewayUrl}/otp/${ns}/narrow-000001`);
    expect(await scrollsHorizontally(page)).toBe(false);
    await page.fill('#otp', '000');
    await page.click('button[type=submit]');
    await page.waitForSelector('[role="alert"]');
    expect(await scrollsHorizontally(page)).toBe(false);
    await e2e.create('narrow-000002', { address_description: 'B'.repeat(300) });
    await page.goto(`${e2e.gatewayUrl}/otp/${ns}/narrow-000002`);
    await page.fill('#to', ' ');
    await page.click('button[type=submit]');
    await page.waitForSelector('[role="alert"]');
    expect(await scrollsHorizontally(page)).toBe(false);
    await page.goto(`${e2e.gatewayUrl}/otp/${ns}/narrow-missing`);
    expect(await scrollsHorizontally(page)).toBe(false);
  });

  it('label every input and announce errors', async () => {
    const { page } = await e2e.newPage();
    await e2e.create('a11y-000001', { to: 'a11y@example.com' });
    await page.goto(`${e2e.gatewayUrl}/otp/${ns}/a11y-000001`);
    await page.fill('#otp', '1');
    await page.click('button[type=submit]');
    const unlabelled = await page.evaluate(() =>
      Array.from(document.querySelectorAll('input:not([type=hidden])')).filter((i) => !(i as HTMLInputElement).labels?.length).length,
    );
    expect(unlabelled).toBe(0);
    expect(await page.getAttribute('#otp', 'aria-describedby')).toBe('otp-error');
    expect(await page.getAttribute('#otp-error', 'role')).toBe('alert');
  });

  it('submit a form only once however often it is sent', async () => {
    const { page } = await e2e.newPage();
    await e2e.create('double-000001', { to: 'double@example.com' });
    await page.goto(`${e2e.gatewayUrl}/otp/${ns}/double-000001`);
    let posts = 0;
    page.on('request', (r) => {
      if (r.method() === 'POST') posts++;
    });
    await page.fill('#otp', '12');
    await page.evaluate(() => {
      const form = document.querySelector('form[data-guard]') as HTMLFormElement;
      form.requestSubmit();
      form.requestSubmit();
      (document.querySelector('form.resend') as HTMLFormElement).requestSubmit();
    });
    await page.waitForSelector('[role="alert"]');
    expect(posts).toBe(1);
    expect(await page.textContent('.attempts')).toBe('2 of 3 attempts left');
  });
});
