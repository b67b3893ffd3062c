import type { Page } from 'playwright-core';
import { keyFolder } from '../helpers/signing-keys';
import { HOST_TENANT, startE2E, wrongCode, type E2E } from './support';

/**
 * The redirect flow (results.md) in Chromium with JavaScript off: from the
 * example host app's "Sign in" to its callback, which checks the signed result
 * token with verifyResultToken. The redirect target comes only from the
 * gateway's config, never from what the browser sends.
 */
jest.setTimeout(120_000);

const keys = keyFolder();
const KEY_FILE = keys.privateKey('gateway.pem');
let e2e: E2E;
let callback: string;

beforeAll(async () => {
  e2e = await startE2E({
    config: ({ hostUrl }) => ({
      signing: { key_files: [KEY_FILE] },
      auth: { Shop: { ...HOST_TENANT, redirect_uris: [`${hostUrl}/callback`] } },
    }),
  });
  callback = `${e2e.hostUrl}/callback`;
});
afterAll(async () => {
  await e2e?.close();
  keys.remove();
});

/** From the host app's home page, "Sign in" with an address: lands on the gateway's code page; returns the OTP id. */
async function signIn(page: Page, email: string): Promise<string> {
  await page.goto(e2e.hostUrl);
  await page.click('#signin');
  await page.fill('#email', email);
  await Promise.all([page.waitForURL(`${e2e.gatewayUrl}/otp/**`), page.click('#signin-submit')]);
  const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
  expect(id).toMatch(/^signin-/);
  return id;
}

describe('the redirect flow without JavaScript', () => {
  it('goes from the host app\'s Sign in through the gateway page to its callback, which shows the verified address', async () => {
    const { page } = await e2e.newPage({ javaScriptEnabled: false });
    const id = await signIn(page, 'jane@example.com');
    await page.fill('#otp', e2e.codeFor(id));
    await Promise.all([page.waitForURL(`${callback}?**`), page.click('button[type=submit].btn-primary')]);
    const back = new URL(page.url());
    expect([...back.searchParams.keys()]).toEqual(['token', 'state']);
    expect(await page.textContent('#outcome')).toContain('Signed in as jane@example.com');
    // The host app refuses the same callback again (its state is used up).
    await page.goto(back.toString());
    expect(await page.textContent('#outcome')).toContain('state does not match');
  });

  it('Cancel sends the browser back with error=access_denied and deletes the OTP', async () => {
    const { page } = await e2e.newPage({ javaScriptEnabled: false });
    const id = await signIn(page, 'cancel@example.com');
    await Promise.all([page.waitForURL(`${callback}?**`), page.click('.redirect-cancel button')]);
    expect(new URL(page.url()).searchParams.get('error')).toBe('access_denied');
    expect(await page.textContent('#outcome')).toContain('You cancelled');
    expect(await e2e.apiStatus(id)).toBe(400);
  });

  it('running out of attempts sends the browser back with error=locked', async () => {
    const { page } = await e2e.newPage({ javaScriptEnabled: false });
    const id = await signIn(page, 'locked@example.com');
    const wrong = wrongCode(e2e.codeFor(id));
    for (let i = 0; i < 4; i++) {
      await page.fill('#otp', wrong);
      await Promise.all([page.waitForLoadState(), page.click('button[type=submit].btn-primary')]);
      expect(page.url()).toContain(`${e2e.gatewayUrl}/otp/`);
    }
    await page.fill('#otp', wrong);
    await Promise.all([page.waitForURL(`${callback}?**`), page.click('button[type=submit].btn-primary')]);
    expect(new URL(page.url()).searchParams.get('error')).toBe('locked');
    expect(await page.textContent('#outcome')).toContain('Too many wrong codes');
  });

  it('a code sent after the OTP expired sends the browser back with error=expired and the state', async () => {
    const { page } = await e2e.newPage({ javaScriptEnabled: false });
    const id = `expiring-${Date.now()}`;
    const code = await e2e.create(id, { to: 'late@example.com', ttl: '1', redirect_uri: callback, state: 'st-1' });
    await page.goto(`${e2e.gatewayUrl}/otp/${HOST_TENANT.namespace}/${id}`);
    await page.fill('#otp', code);
    await new Promise((r) => setTimeout(r, 2200));
    await Promise.all([page.waitForURL(`${callback}?**`), page.click('button[type=submit].btn-primary')]);
    const back = new URL(page.url());
    expect(Object.fromEntries(back.searchParams)).toEqual({ error: 'expired', state: 'st-1' });
  });

  it('shows no Cancel link outside the redirect flow', async () => {
    const { page } = await e2e.newPage({ javaScriptEnabled: false });
    const id = `no-redirect-${Date.now()}`;
    await e2e.create(id, { to: 'plain@example.com' });
    await page.goto(`${e2e.gatewayUrl}/otp/${HOST_TENANT.namespace}/${id}`);
    expect(await page.locator('#otp').count()).toBe(1);
    expect(await page.locator('.redirect-cancel').count()).toBe(0);
  });
});

describe('a redirect_uri cannot be smuggled through the page', () => {
  it('ignores redirect_uri and state in the page URL: an OTP without the flow shows Verified, one with it goes to its listed URI', async () => {
    const { page } = await e2e.newPage({ javaScriptEnabled: false });
    const plain = `smuggle-a-${Date.now()}`;
    const code = await e2e.create(plain, { to: 'a@example.com' });
    const evil = encodeURIComponent('https://evil.example/cb');
    await page.goto(`${e2e.gatewayUrl}/otp/${HOST_TENANT.namespace}/${plain}?redirect_uri=${evil}&state=x`);
    await page.fill('#otp', code);
    await Promise.all([page.waitForLoadState(), page.click('button[type=submit].btn-primary')]);
    expect(page.url().startsWith(`${e2e.gatewayUrl}/otp/`)).toBe(true);
    expect(await page.locator('.status-ok').count()).toBe(1);

    const listed = `smuggle-b-${Date.now()}`;
    const code2 = await e2e.create(listed, { to: 'b@example.com', redirect_uri: callback, state: 'mine' });
    await page.goto(`${e2e.gatewayUrl}/otp/${HOST_TENANT.namespace}/${listed}?redirect_uri=${evil}&state=theirs`);
    await page.fill('#otp', code2);
    await Promise.all([page.waitForURL(`${callback}?**`), page.click('button[type=submit].btn-primary')]);
    expect(new URL(page.url()).searchParams.get('state')).toBe('mine');
  });

  it('refuses at create a redirect_uri the namespace does not list, even one that only differs by a trailing slash', async () => {
    for (const uri of ['https://evil.example/callback', `${callback}/`, `${callback}?next=/admin`]) {
      await expect(e2e.create(`refused-${Date.now()}`, { to: 'x@example.com', redirect_uri: uri })).rejects.toThrow(/create .*: 400 Invalid `redirect_uri`/);
    }
  });

  it('a GET of a verified page (anyone with the id can send one) carries no token and redirects nowhere', async () => {
    const id = `verified-get-${Date.now()}`;
    const code = await e2e.create(id, { to: 'get@example.com', redirect_uri: callback, state: 's' });
    const auth = `Basic ${Buffer.from(`${HOST_TENANT.namespace}:${HOST_TENANT.secret}`).toString('base64')}`;
    const verified = await fetch(`${e2e.gatewayUrl}/api/otp/${id}`, {
      method: 'POST', headers: { Authorization: auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ otp: code, skip_delete: true }),
    });
    expect(((await verified.json()) as { data: { token?: string } }).data.token).toMatch(/^eyJ/);
    for (const query of ['', `?view=popup&origin=${encodeURIComponent(e2e.hostUrl)}`]) {
      const res = await fetch(`${e2e.gatewayUrl}/otp/${HOST_TENANT.namespace}/${id}${query}`, { redirect: 'manual' });
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('status-ok');
      expect(html).not.toMatch(/eyJ|data-token|get@example\.com/);
    }
  });

  it('ignores a forged return ticket in a form sent after expiry (no redirect to anything the browser names)', async () => {
    const id = `forged-${Date.now()}`;
    const res = await fetch(`${e2e.gatewayUrl}/otp/${HOST_TENANT.namespace}/${id}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ action: 'check', otp: '123456', return: 'eyJhbGciOiJub25lIn0.eyJ1cmkiOiJodHRwczovL2V2aWwuZXhhbXBsZS9jYiJ9.', redirect_uri: 'https://evil.example/cb' }).toString(),
    });
    expect(res.status).toBe(404);
    expect(res.headers.get('location')).toBeNull();
  });
});
