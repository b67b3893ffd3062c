/// <reference lib="dom" />
// Functions passed to page.evaluate run in the browser: the DOM types describe them.
import type { FrameLocator, Page } from 'playwright-core';
import { foreignRequests, HOST_TENANT, startE2E, wrongCode, type E2E } from './support';

// A browser test does many round trips: leave room on a busy CI machine (each takes a few seconds normally).
jest.setTimeout(90_000);

/**
 * The canonical integration in real Chromium: the example host app on
 * http://127.0.0.1:Q embeds /static/otp.js of the gateway on http://localhost:P.
 */
const ALLOWS_HOST = { namespace: 'allowsHost', secret: 'allows-host-secret' };
const ALLOWS_OTHER = { namespace: 'allowsOther', secret: 'allows-other-secret' };

describe('the otp.js modal on a host page of another origin', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E({
      config: ({ hostUrl }) => ({
        auth: {
          AllowsHost: { ...ALLOWS_HOST, allowed_origins: [hostUrl] },
          AllowsOther: { ...ALLOWS_OTHER, allowed_origins: ['https://elsewhere.example'] },
        },
      }),
    });
  });
  afterAll(() => e2e?.close());

  /** Submit the host form; resolves with the id its backend created and the modal's frame. */
  async function openModal(page: Page, email: string): Promise<{ id: string; frame: FrameLocator }> {
    await page.goto(e2e.hostUrl);
    await page.fill('#email', email);
    await page.click('#verify');
    await page.waitForSelector('[role="dialog"][aria-modal="true"] iframe');
    const id = await page.evaluate(() => (window as unknown as { currentVerification: { id: string } }).currentVerification.id);
    return { id, frame: page.frameLocator('iframe.otpgw-frame') };
  }

  /**
   * The frame's deferred page.js has run, so its Escape handler is attached: it tells the host the page's
   * height in the same synchronous run that attaches the handler, and otp.js sets the iframe's height when
   * that message arrives. Watched on the host page, so the step timeout bounds the wait (an evaluate
   * inside the frame waiting for its load event would have no timeout of its own).
   */
  const scriptsRan = (page: Page): Promise<unknown> =>
    page.waitForFunction(() => document.querySelector<HTMLIFrameElement>('iframe.otpgw-frame')?.style.height !== '');

  const events = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as { hostEvents: string[] }).hostEvents);

  it('finishes after a wrong then a right code, and the host backend confirms with the gateway', async () => {
    const { page, requests, consoleErrors } = await e2e.newPage();
    const { id, frame } = await openModal(page, 'john@example.com');
    expect(await page.evaluate(() => document.querySelector('[role="dialog"]')?.contains(document.activeElement))).toBe(true);
    await frame.locator('#otp').waitFor();
    const code = e2e.codeFor(id);
    await frame.locator('#otp').fill(wrongCode(code));
    await frame.locator('button[type=submit]').first().click();
    await frame.locator('[role="alert"]', { hasText: 'Incorrect OTP.' }).waitFor();
    expect(await frame.locator('.attempts').textContent()).toBe('4 of 5 attempts left');
    await frame.locator('#otp').fill(code);
    await frame.locator('button[type=submit]').first().click();
    await page.waitForSelector('#result:has-text("Verified: john@example.com")');
    expect(await events(page)).toEqual(['finish', 'confirmed']);
    expect(await page.locator('[role="dialog"]').count()).toBe(0);
    expect(foreignRequests(requests, [new URL(e2e.hostUrl).origin, e2e.gatewayUrl])).toEqual([]);
    expect(requests.some((u) => u.startsWith(`${e2e.gatewayUrl}/static/otp.css`))).toBe(true);
    // The CSP forbids inline script: any violation would show up here.
    expect(consoleErrors.filter((m) => /Content Security Policy|Refused to/i.test(m))).toEqual([]);
  });

  it('cancels once on Escape pressed inside the modal, and once on a backdrop click', async () => {
    const { page } = await e2e.newPage();
    // page.js arrives late (as on a loaded machine): an Escape before it runs would be lost, so the test waits for it.
    await page.route('**/static/page.js', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await route.continue();
    });
    const first = await openModal(page, 'esc@example.com');
    // #otp exists before the deferred page.js has attached its Escape handler: a key pressed then is lost.
    await scriptsRan(page);
    await first.frame.locator('#otp').press('Escape');
    await page.waitForSelector('[role="dialog"]', { state: 'detached' });
    await page.keyboard.press('Escape');
    expect(await page.textContent('#result')).toBe('Verification cancelled.');

    await page.click('#verify');
    await page.waitForSelector('[role="dialog"] iframe');
    await page.mouse.click(5, 5);
    await page.waitForSelector('[role="dialog"]', { state: 'detached' });
    await page.mouse.click(5, 5);
    expect(await events(page)).toEqual(['cancel', 'cancel']);
  });

  it('cancels on Escape when the host page has the focus, and on the close button', async () => {
    const { page } = await e2e.newPage();
    await openModal(page, 'close@example.com');
    await page.focus('.otpgw-close');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[role="dialog"]', { state: 'detached' });
    await page.click('#verify');
    await page.click('.otpgw-close');
    await page.waitForSelector('[role="dialog"]', { state: 'detached' });
    expect(await events(page)).toEqual(['cancel', 'cancel']);
  });

  it('ignores a spoofed finish message from the host page and from another frame', async () => {
    const { page } = await e2e.newPage();
    const { id, frame } = await openModal(page, 'spoof@example.com');
    await frame.locator('#otp').waitFor();
    const delivered = await page.evaluate(
      ({ ns, otpId }) =>
        new Promise<number>((resolve) => {
          let seen = 0;
          window.addEventListener('message', () => {
            if (++seen === 2) resolve(seen);
          });
          const data = { type: 'otpgateway:verified', namespace: ns, id: otpId, closed: true };
          window.postMessage(data, '*');
          const other = document.createElement('iframe');
          other.srcdoc = `<script>parent.postMessage(${JSON.stringify(data)}, '*')</script>`;
          document.body.appendChild(other);
        }),
      { ns: HOST_TENANT.namespace, otpId: id },
    );
    expect(delivered).toBe(2);
    expect(await events(page)).toEqual([]);
    expect(await page.locator('[role="dialog"]').count()).toBe(1);
    // The real finish still works afterwards.
    await frame.locator('#otp').fill(e2e.codeFor(id));
    await frame.locator('button[type=submit]').first().click();
    await page.waitForSelector('#result:has-text("Verified: spoof@example.com")');
    expect(await events(page)).toEqual(['finish', 'confirmed']);
  });

  it('collects the address inside the modal when the host did not give one', async () => {
    const { page } = await e2e.newPage();
    const { id, frame } = await openModal(page, '');
    await frame.locator('label[for="to"]').waitFor();
    await frame.locator('#to').fill('   ');
    await frame.locator('button[type=submit]').click();
    await frame.locator('[role="alert"]').waitFor();
    await frame.locator('#to').fill('asked@example.com');
    await frame.locator('button[type=submit]').click();
    await frame.locator('#otp').waitFor();
    expect(await frame.locator('.dest-value').textContent()).toBe('a***@example.com');
    await frame.locator('#otp').fill(e2e.codeFor(id));
    await frame.locator('button[type=submit]').first().click();
    await page.waitForSelector('#result:has-text("Verified: asked@example.com")');
  });

  it('is harmless when loaded twice and resolves a promise when called without callbacks', async () => {
    const { page } = await e2e.newPage();
    await page.goto(e2e.hostUrl);
    await page.waitForFunction(() => typeof (window as unknown as { OTPGateway?: unknown }).OTPGateway === 'function');
    const sameFunction = await page.evaluate(
      (gw) =>
        new Promise<boolean>((resolve) => {
          const before = (window as unknown as { OTPGateway: unknown }).OTPGateway;
          const again = document.createElement('script');
          again.src = `${gw}/static/otp.js`;
          again.async = true;
          again.onload = () => resolve((window as unknown as { OTPGateway: unknown }).OTPGateway === before);
          document.head.appendChild(again);
        }),
      e2e.gatewayUrl,
    );
    expect(sameFunction).toBe(true);
    await e2e.create('promise-0001', { to: 'promise@example.com' });
    await page.evaluate((ns) => {
      const w = window as unknown as { OTPGateway: (ns: string, id: string) => Promise<{ namespace: string; id: string }>; outcome?: unknown };
      w.OTPGateway(ns, 'promise-0001').then((r) => (w.outcome = r), () => (w.outcome = 'rejected'));
    }, HOST_TENANT.namespace);
    expect(await page.locator('.otpgw-backdrop').count()).toBe(1);
    const frame = page.frameLocator('iframe.otpgw-frame');
    await frame.locator('#otp').fill(e2e.codeFor('promise-0001'));
    await frame.locator('button[type=submit]').first().click();
    await page.waitForFunction(() => (window as unknown as { outcome?: unknown }).outcome !== undefined);
    expect(await page.evaluate(() => (window as unknown as { outcome: unknown }).outcome)).toEqual({ namespace: HOST_TENANT.namespace, id: 'promise-0001' });
  });

  it('treats close() from the page and a second modal as a cancel: each modal ends once, and a promise never stays pending', async () => {
    const { page } = await e2e.newPage();
    await page.goto(e2e.hostUrl);
    await page.waitForFunction(() => typeof (window as unknown as { OTPGateway?: unknown }).OTPGateway === 'function');
    await e2e.create('close-0001', { to: 'close@example.com' });
    await e2e.create('close-0002', { to: 'close@example.com' });
    const outcomes = await page.evaluate(async (ns) => {
      type Handle = { close(): void };
      const w = window as unknown as { OTPGateway: (ns: string, id: string, f?: () => void, c?: () => void) => Handle & Promise<unknown> };
      const seen: string[] = [];
      const first = w.OTPGateway(ns, 'close-0001', () => seen.push('finish 1'), () => seen.push('cancel 1'));
      // Opening another modal cancels the first one.
      const second = w.OTPGateway(ns, 'close-0002');
      const settled = second.then(() => 'resolved', (err: Error) => `rejected: ${err.message}`);
      second.close();
      second.close();
      first.close();
      seen.push(await settled);
      return { seen, dialogs: document.querySelectorAll('[role="dialog"]').length };
    }, HOST_TENANT.namespace);
    expect(outcomes).toEqual({ seen: ['cancel 1', 'rejected: The user closed the verification.'], dialogs: 0 });
  });

  it('keeps script and markup in descriptions inert', async () => {
    const { page } = await e2e.newPage();
    const xss = `<script>parent.__xss = 1</script><img src="x" onerror="parent.__xss = 2">"'><svg onload="parent.__xss=3">`;
    await e2e.create('xss-000001', { to: 'xss@example.com', channel_description: xss, extra: JSON.stringify({ html: xss }) });
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await page.goto(e2e.hostUrl);
    await page.waitForFunction(() => typeof (window as unknown as { OTPGateway?: unknown }).OTPGateway === 'function');
    await page.evaluate((ns) => (window as unknown as { OTPGateway: (a: string, b: string, c: () => void, d: () => void) => void }).OTPGateway(ns, 'xss-000001', () => {}, () => {}), HOST_TENANT.namespace);
    const frame = page.frameLocator('iframe.otpgw-frame');
    await frame.locator('.lead', { hasText: '<script>parent.__xss = 1</script>' }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await frame.locator('img[src="x"], svg[onload]').count()).toBe(0);
    expect(dialogs).toBe(0);
  });

  it('honours allowed_origins: a listed host page finishes, an unlisted one cannot even frame the pages', async () => {
    const { page } = await e2e.newPage();
    await e2e.create('allowed-0001', { to: 'allowed@example.com' }, ALLOWS_HOST);
    await e2e.create('refused-0001', { to: 'refused@example.com' }, ALLOWS_OTHER);
    await page.goto(e2e.hostUrl);
    await page.waitForFunction(() => typeof (window as unknown as { OTPGateway?: unknown }).OTPGateway === 'function');
    const open = (ns: string, id: string): Promise<void> =>
      page.evaluate(({ ns, id }) => {
        const w = window as unknown as { OTPGateway: (ns: string, id: string) => Promise<unknown>; outcome?: unknown };
        w.outcome = undefined;
        w.OTPGateway(ns, id).then((r) => (w.outcome = r), () => (w.outcome = 'cancelled'));
      }, { ns, id });

    await open(ALLOWS_HOST.namespace, 'allowed-0001');
    const frame = page.frameLocator('iframe.otpgw-frame');
    await frame.locator('#otp').fill(e2e.codeFor('allowed-0001'));
    await frame.locator('button[type=submit]').first().click();
    await page.waitForFunction(() => (window as unknown as { outcome?: unknown }).outcome !== undefined);
    expect(await page.evaluate(() => (window as unknown as { outcome: unknown }).outcome)).toEqual({ namespace: ALLOWS_HOST.namespace, id: 'allowed-0001' });

    const refused = page.waitForEvent('response', (r) => r.url().includes('/otp/allowsOther/refused-0001'));
    const blocked = page.waitForEvent('console', (m) => m.text().includes('frame-ancestors'));
    await open(ALLOWS_OTHER.namespace, 'refused-0001');
    expect((await (await refused).headerValue('content-security-policy')) ?? '').toContain('frame-ancestors https://elsewhere.example');
    // Chromium refuses to render the page in the frame and says why on the host page's console.
    expect((await blocked).text()).toMatch(/violates the following Content Security Policy directive: "frame-ancestors https:\/\/elsewhere.example". The request has been blocked/);
    expect(await page.frameLocator('iframe.otpgw-frame').locator('#otp').count()).toBe(0);
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => (window as unknown as { outcome?: unknown }).outcome === 'cancelled');
  });
});
