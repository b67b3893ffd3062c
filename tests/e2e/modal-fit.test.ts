/// <reference lib="dom" />
// Functions passed to page.evaluate run in the browser: the DOM types describe them.
import type { Frame, Page } from 'playwright-core';
import { startE2E, wrongCode, type E2E } from './support';

jest.setTimeout(90_000);

/** A phone's viewport in CSS pixels. */
const PHONE = { width: 390, height: 844 };

/**
 * The otp.js modal takes its height from the page inside it (the page posts it), and shows the
 * page's Verified state for a moment before it closes and calls onFinish.
 */
describe('the otp.js modal on a phone', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(() => e2e?.close());

  async function openModal(page: Page, email: string): Promise<{ id: string; frame: Frame }> {
    await page.goto(e2e.hostUrl);
    await page.fill('#email', email);
    await page.click('#verify');
    await page.frameLocator('iframe.otpgw-frame').locator('#otp').waitFor();
    const id = await page.evaluate(() => (window as unknown as { currentVerification: { id: string } }).currentVerification.id);
    const frame = page.frames().find((f) => f.url().includes(`/otp/`) && f.url().includes(id));
    if (!frame) throw new Error('the modal has no gateway frame');
    return { id, frame };
  }

  /** Wait until the iframe is as tall as the page it shows (the page's message arrived), and return both. */
  async function fitted(page: Page, frame: Frame): Promise<{ iframe: number; content: number }> {
    let sizes = { iframe: 0, content: Number.NaN };
    for (let i = 0; i < 50 && !(Math.abs(sizes.iframe - sizes.content) <= 1); i++) {
      if (i > 0) await page.waitForTimeout(100);
      const content = await frame.evaluate(() => document.body.getBoundingClientRect().height);
      const iframe = await page.evaluate(() => document.querySelector('iframe.otpgw-frame')?.getBoundingClientRect().height ?? 0);
      sizes = { iframe, content };
    }
    return sizes;
  }

  const events = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as { hostEvents: string[] }).hostEvents);

  it('sizes its iframe to the code page, leaves no empty space below it, and grows when an error appears', async () => {
    const { page } = await e2e.newPage(PHONE);
    const { id, frame } = await openModal(page, 'phone@example.com');
    const first = await fitted(page, frame);
    expect(Math.abs(first.iframe - first.content)).toBeLessThanOrEqual(1);
    // The page does not scroll inside the iframe: it is shown whole.
    expect(await frame.evaluate(() => document.documentElement.scrollHeight <= window.innerHeight + 1)).toBe(true);
    expect(first.iframe).toBeLessThan(PHONE.height - 100);

    await frame.locator('#otp').fill(wrongCode(e2e.codeFor(id)));
    await frame.locator('button[type=submit]').first().click();
    await frame.waitForSelector('[role="alert"]');
    const withError = await fitted(page, frame);
    expect(Math.abs(withError.iframe - withError.content)).toBeLessThanOrEqual(1);
    expect(withError.iframe).toBeGreaterThan(first.iframe);
  });

  it('ignores a height message that is not from its own iframe', async () => {
    const { page } = await e2e.newPage(PHONE);
    const { id, frame } = await openModal(page, 'spoof-height@example.com');
    const before = (await fitted(page, frame)).iframe;
    await page.evaluate(({ ns, otpId }) => new Promise<void>((resolve) => {
      window.addEventListener('message', () => setTimeout(resolve, 50), { once: true });
      window.postMessage({ type: 'otpgateway:height', namespace: ns, id: otpId, height: 40 }, '*');
    }), { ns: 'shop', otpId: id });
    expect(await page.evaluate(() => document.querySelector('iframe.otpgw-frame')?.getBoundingClientRect().height)).toBe(before);
  });

  it('shows the Verified state inside the modal before it closes, then calls onFinish once', async () => {
    const { page } = await e2e.newPage(PHONE);
    const { id, frame } = await openModal(page, 'done@example.com');
    await frame.locator('#otp').fill(e2e.codeFor(id));
    await frame.locator('button[type=submit]').first().click();
    const shown = page.frameLocator('iframe.otpgw-frame').locator('h1', { hasText: 'Verified' });
    await shown.waitFor();
    // The modal is still open on the Verified state, and the host has not been told yet.
    expect(await page.locator('[role="dialog"]').count()).toBe(1);
    expect(await events(page)).toEqual([]);
    const verifiedFrame = page.frames().find((f) => f.url().includes(id));
    if (verifiedFrame) {
      const sizes = await fitted(page, verifiedFrame);
      expect(Math.abs(sizes.iframe - sizes.content)).toBeLessThanOrEqual(1);
    }
    await page.waitForSelector('[role="dialog"]', { state: 'detached' });
    await page.waitForSelector('#result:has-text("Verified: done@example.com")');
    expect(await events(page)).toEqual(['finish', 'confirmed']);
  });

  it('finishes, not cancels, when the user closes it while it shows Verified', async () => {
    const { page } = await e2e.newPage(PHONE);
    const { id, frame } = await openModal(page, 'quick@example.com');
    await frame.locator('#otp').fill(e2e.codeFor(id));
    await frame.locator('button[type=submit]').first().click();
    await page.frameLocator('iframe.otpgw-frame').locator('h1', { hasText: 'Verified' }).waitFor();
    await page.click('.otpgw-close');
    await page.waitForSelector('[role="dialog"]', { state: 'detached' });
    await page.waitForSelector('#result:has-text("Verified: quick@example.com")');
    expect(await events(page)).toEqual(['finish', 'confirmed']);
  });
});
