import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../helpers/redis-server';
import { basicAuth, CLI_TEST_TIMEOUT_MS, runCli, type RunningCli, startCli } from './cli-process';

jest.setTimeout(CLI_TEST_TIMEOUT_MS);

describe('started with no config.toml and no --config', () => {
  let dir: string;
  let port: number;
  let cli: RunningCli;
  beforeAll(async () => {
    // An empty working directory: no config.toml to find.
    dir = mkdtempSync(path.join(os.tmpdir(), 'otpgw-embedded-'));
    port = await freePort();
    cli = await startCli({ cwd: dir, env: { OTP_GATEWAY_APP__ADDRESS: `127.0.0.1:${port}` } });
  });
  afterAll(async () => {
    await cli?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says loudly that it runs on the memory store and how to configure it', () => {
    const line = cli.logs().find((l) => /EMBEDDED DEVELOPMENT DEFAULTS/.test(String(l.msg)));
    expect(line?.level).toBe(40);
    expect(String(line?.msg)).toMatch(/memory store/);
    expect(String(line?.msg)).toMatch(/config\.sample\.toml/);
    expect(String(line?.msg)).toMatch(/--config FILE/);
    expect(String(line?.msg)).toMatch(/OTP_GATEWAY_/);
    // They have a namespace and a provider: no warning that the API is unusable.
    expect(cli.logs().filter((l) => /^NO (NAMESPACE|PROVIDER)/.test(String(l.msg)))).toEqual([]);
  });

  it('still honours OTP_GATEWAY_APP__ADDRESS', () => {
    const listening = cli.logs().find((l) => /^otpgateway listening/.test(String(l.msg)));
    expect(listening).toMatchObject({ address: `127.0.0.1:${port}`, store: expect.stringMatching(/memory/i), providers: ['log', 'outbox'] });
  });

  it('serves the API to the dev namespace with the log provider: create, then verify with the code', async () => {
    const auth = basicAuth('dev', 'dev-secret');
    const created = await fetch(`${cli.url}/api/otp/embedded-1`, {
      method: 'PUT',
      headers: { Authorization: auth, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'provider=log&to=someone@example.com',
    });
    expect(created.status).toBe(200);
    const code = ((await created.json()) as { data: { otp: string } }).data.otp;
    expect(code).toMatch(/^\d{6}$/);

    // The log provider wrote the message; the code is in its message (development only), nowhere else.
    const delivered = await cli.waitForLog(/^log provider: message/);
    expect(String(delivered.message)).toContain(code);

    const verified = await fetch(`${cli.url}/api/otp/embedded-1`, {
      method: 'POST',
      headers: { Authorization: auth, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `otp=${code}`,
    });
    expect(verified.status).toBe(200);
    expect(((await verified.json()) as { data: { closed: boolean } }).data.closed).toBe(true);
  });

  it('enables the outbox: a phone code sent with provider=outbox is read from GET /api/outbox, as from a phone', async () => {
    const auth = basicAuth('dev', 'dev-secret');
    const created = await fetch(`${cli.url}/api/otp/embedded-2`, {
      method: 'PUT',
      headers: { Authorization: auth, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'provider=outbox&to=%2B14155552671',
    });
    expect(created.status).toBe(200);
    const outbox = await fetch(`${cli.url}/api/outbox?id=embedded-2`, { headers: { Authorization: auth } });
    const [message] = ((await outbox.json()) as { data: { to: string; otp: string; body: string }[] }).data;
    expect(message?.to).toBe('+14155552671');
    expect(message?.body).toContain(message?.otp ?? 'no message');
    // Enabling it is announced like the log provider.
    expect(cli.logs().some((l) => l.level === 40 && /^providers\.outbox is enabled/.test(String(l.msg)))).toBe(true);
  });

  it('rejects any other credentials', async () => {
    const res = await fetch(`${cli.url}/api/providers`, { headers: { Authorization: basicAuth('dev', 'wrong') } });
    expect(res.status).toBe(401);
  });
});

describe('started with no config but an address beyond loopback', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'otpgw-embedded-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['0.0.0.0:9312', ':9312', '[::]:9312', '192.0.2.1:9312'])('refuses to serve the development namespace on %s: exit 2 and one line saying why and how to configure', async (address) => {
    const run = await runCli({ cwd: dir, env: { OTP_GATEWAY_APP__ADDRESS: address } });
    expect(run.code).toBe(2);
    expect(run.stdout).not.toMatch(/listening/);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^config error: app\.address: the embedded development defaults .* listen on loopback only/);
    expect(lines[0]).toContain('OTP_GATEWAY_APP__ADDRESS');
    expect(lines[0]).toMatch(/--new-config.*--config/);
  });

  it('still starts on another loopback address', async () => {
    const port = await freePort();
    const cli = await startCli({ cwd: dir, env: { OTP_GATEWAY_APP__ADDRESS: `[::1]:${port}` } });
    try {
      expect(cli.logs().some((l) => /^otpgateway listening/.test(String(l.msg)))).toBe(true);
    } finally {
      await cli.stop();
    }
  });
});
