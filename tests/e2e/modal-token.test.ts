/// <reference lib="dom" />
// Functions passed to page.evaluate run in the browser: the DOM types describe them.
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { keyFolder } from '../helpers/signing-keys';
import { HOST_TENANT, startE2E, type E2E } from './support';

/**
 * With [signing] keys, the modal hands the host page the signed result token: onFinish's third argument, the
 * promise's `token` — for a namespace that lists its host origins (allowed_origins); without the list the page
 * posts to any origin that frames it, so no token goes with it.
 */
jest.setTimeout(90_000);

const keys = keyFolder();
const KEY_FILE = keys.privateKey('gateway.pem');
let e2e: E2E;
const OPEN_TENANT = { namespace: 'openShop', secret: 'open-shop-secret-for-tests' };

beforeAll(async () => {
  e2e = await startE2E({
    config: ({ hostUrl }) => ({
      signing: { key_files: [KEY_FILE] },
      auth: { Shop: { ...HOST_TENANT, allowed_origins: [hostUrl] }, Open: { ...OPEN_TENANT } },
    }),
  });
});
afterAll(async () => {
  await e2e?.close();
  keys.remove();
});

type Outcome = { namespace: string; id: string; token?: string } | string;

async function finishInModal(id: string, form: 'promise' | 'callback', tenant: { namespace: string; secret: string } = HOST_TENANT): Promise<Outcome> {
  const { page } = await e2e.newPage();
  await page.goto(e2e.hostUrl);
  await page.waitForFunction(() => typeof (window as unknown as { OTPGateway?: unknown }).OTPGateway === 'function');
  await e2e.create(id, { to: 'modal@example.com' }, tenant);
  await page.evaluate(({ ns, otpId, how }) => {
    type Open = (ns: string, id: string, f?: (ns: string, id: string, token?: string) => void, c?: () => void) => Promise<Outcome>;
    const w = window as unknown as { OTPGateway: Open; outcome?: Outcome };
    if (how === 'promise') w.OTPGateway(ns, otpId).then((r) => (w.outcome = r), () => (w.outcome = 'rejected'));
    else w.OTPGateway(ns, otpId, (n, i, token) => (w.outcome = { namespace: n, id: i, token }), () => (w.outcome = 'cancelled'));
  }, { ns: tenant.namespace, otpId: id, how: form });
  const frame = page.frameLocator('iframe.otpgw-frame');
  await frame.locator('#otp').fill(e2e.codeFor(id));
  await frame.locator('button[type=submit]').first().click();
  await page.waitForFunction(() => (window as unknown as { outcome?: unknown }).outcome !== undefined);
  return page.evaluate(() => (window as unknown as { outcome: Outcome }).outcome);
}

async function checkToken(outcome: Outcome, id: string): Promise<void> {
  if (typeof outcome === 'string' || !outcome.token) throw new Error(`no token: ${JSON.stringify(outcome)}`);
  expect(outcome).toMatchObject({ namespace: HOST_TENANT.namespace, id });
  const set = (await (await fetch(`${e2e.gatewayUrl}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
  const { payload } = await jwtVerify(outcome.token, createLocalJWKSet(set), { issuer: e2e.gatewayUrl, audience: HOST_TENANT.namespace, subject: id });
  expect(payload.to).toBe('modal@example.com');
}

describe('the otp.js modal with signed result tokens', () => {
  it('resolves the promise with {namespace, id, token}, a token that verifies with the JWKS', async () => {
    await checkToken(await finishInModal('modal-token-1', 'promise'), 'modal-token-1');
  });

  it('calls onFinish(namespace, id, token)', async () => {
    await checkToken(await finishInModal('modal-token-2', 'callback'), 'modal-token-2');
  });

  it('finishes without a token for a namespace without allowed_origins (its page posts to any framing origin)', async () => {
    const outcome = await finishInModal('modal-token-3', 'callback', OPEN_TENANT);
    expect(outcome).toEqual({ namespace: OPEN_TENANT.namespace, id: 'modal-token-3' });
  });
});
