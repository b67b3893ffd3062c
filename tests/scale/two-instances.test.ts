import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { basicAuth, CLI_TEST_TIMEOUT_MS, startCli, type RunningCli } from '../cli/cli-process';
import { testRedisPort } from '../helpers/gateway';

jest.setTimeout(CLI_TEST_TIMEOUT_MS);

/**
 * Two gateway processes on one Redis (issue "scale-out"): nothing that matters
 * lives in process memory, so any instance can answer for an OTP another one
 * created, and the attempt budget and rate limits are shared.
 */

const AUTH = basicAuth('shop', 'shop-secret-of-16-chars');

interface Answer {
  status: number;
  body: { status: string; message?: string; data?: Record<string, unknown> };
}

async function call(base: string, method: string, route: string, form: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${base}${route}`, {
    method,
    headers: { authorization: AUTH, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

describe('two gateway instances on one Redis', () => {
  let dir: string;
  let a: RunningCli;
  let b: RunningCli;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'otpgw-two-'));
    const config = path.join(dir, 'config.toml');
    writeFileSync(
      config,
      [
        '[app]',
        'address = "127.0.0.1:0"',
        `secret_key = "${'s'.repeat(40)}"`,
        '[store.redis]',
        'host = "127.0.0.1"',
        `port = ${testRedisPort()}`,
        `key_prefix = "two-${randomUUID().slice(0, 8)}"`,
        '[auth.shop]',
        'secret = "shop-secret-of-16-chars"',
        '[providers.log]',
        'enabled = true',
        '[rate_limit]',
        'sends_per_address = 2',
        'sends_window = "1h"',
      ].join('\n'),
    );
    // Both read the same file, as instances behind one load balancer would.
    [a, b] = await Promise.all([startCli({ args: ['--config', config] }), startCli({ args: ['--config', config] })]);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('are two processes', () => {
    expect(a.child.pid).not.toBe(b.child.pid);
    expect(a.url).not.toBe(b.url);
  });

  it('verify and status on one instance an OTP created on the other', async () => {
    const created = await call(a.url, 'PUT', '/api/otp/shared-flow-1', { provider: 'log' });
    expect(created.status).toBe(200);
    const code = String(created.body.data?.otp);

    const wrong = await call(b.url, 'POST', '/api/otp/shared-flow-1', { otp: code === '000000' ? '111111' : '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.data?.attempts).toBe(1);

    expect((await call(a.url, 'POST', '/api/otp/shared-flow-1/status')).body.message).toBe('OTP not verified.');
    const right = await call(b.url, 'POST', '/api/otp/shared-flow-1', { otp: code, skip_delete: 'true' });
    expect(right.status).toBe(200);
    expect(right.body.data?.attempts).toBe(2);

    const status = await call(a.url, 'POST', '/api/otp/shared-flow-1/status');
    expect(status.status).toBe(200);
    expect(status.body.data?.closed).toBe(true);
  });

  it('share the attempt budget: 40 concurrent wrong guesses spread over both answer exactly max_attempts 400s', async () => {
    const created = await call(b.url, 'PUT', '/api/otp/shared-budget-1', { provider: 'log', max_attempts: '5', otp: '424242' });
    expect(created.status).toBe(200);
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => call(i % 2 === 0 ? a.url : b.url, 'POST', '/api/otp/shared-budget-1', { otp: '000000' })),
    );
    const counts = { 400: 0, 429: 0, other: 0 };
    for (const { status } of answers) {
      if (status === 400 || status === 429) counts[status] += 1;
      else counts.other += 1;
    }
    expect(counts).toEqual({ 400: 5, 429: 35, other: 0 });
    // The right code cannot get through either instance once the budget is spent.
    expect((await call(a.url, 'POST', '/api/otp/shared-budget-1', { otp: '424242' })).status).toBe(429);
    expect((await call(b.url, 'POST', '/api/otp/shared-budget-1', { otp: '424242' })).status).toBe(429);
  });

  it('share the per-address send limit: the third send to one address is refused whichever instance takes it', async () => {
    const to = `shared-${randomUUID().slice(0, 8)}@example.com`;
    expect((await call(a.url, 'PUT', '/api/otp/shared-send-1', { provider: 'log', to })).status).toBe(200);
    expect((await call(b.url, 'PUT', '/api/otp/shared-send-2', { provider: 'log', to })).status).toBe(200);
    const third = await call(a.url, 'PUT', '/api/otp/shared-send-3', { provider: 'log', to });
    expect(third.status).toBe(429);
    expect(third.body.message).toMatch(/Too many codes were sent to this address/);
  });
});
