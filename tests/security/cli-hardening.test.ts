import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from 'redis';
import { loadConfig } from '../../src/config/load';
import { basicAuth, runCli, startCli } from '../cli/cli-process';
import { testRedisPort } from '../helpers/gateway';
import { startHttpPeer, type HttpPeer } from '../helpers/http-peer';
import { startRedis } from '../helpers/redis-server';

/** The built CLI (dist/src/cli.js) under load, under Redis outages, and its secret handling. */

const AUTH = basicAuth('shop', 'shop-secret-of-16-chars');
const FORM = { Authorization: AUTH, 'Content-Type': 'application/x-www-form-urlencoded' };
// Each test starts the built server at least once: generous on a loaded machine.
jest.setTimeout(90_000);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'otpgw-hardening-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeConfig(name: string, lines: string[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, ['[app]', 'address = "127.0.0.1:0"', ...lines, '[auth.shop]', 'secret = "shop-secret-of-16-chars"'].join('\n'));
  return file;
}

function redisTable(port: number, prefix: string): string[] {
  return ['[store.redis]', 'host = "127.0.0.1"', `port = ${port}`, `key_prefix = "${prefix}"`, 'timeout = "2s"'];
}

async function status(url: string, init?: RequestInit): Promise<number> {
  return (await fetch(url, { ...init, signal: AbortSignal.timeout(6000) })).status;
}

describe('graceful shutdown under load', () => {
  let peer: HttpPeer;
  beforeAll(async () => {
    // Each delivery takes a second: requests are still in flight when SIGTERM arrives.
    peer = await startHttpPeer({ status: 200, delayMs: 1000 });
  });
  afterAll(() => peer.close());

  it('finishes all 40 requests in flight at SIGTERM with 200 and exits 0', async () => {
    const config = writeConfig('load.toml', [
      'server_timeout = "30s"',
      ...redisTable(testRedisPort(), `load-${randomUUID().slice(0, 8)}`),
      '[webhooks.slow]',
      'enabled = true',
      `url = "${peer.url}/hook"`,
      'timeout = "10s"',
      'max_conns = 50',
    ]);
    const cli = await startCli({ args: ['--config', config], cwd: dir });
    const inFlight = Array.from({ length: 40 }, (_, i) =>
      fetch(`${cli.url}/api/otp/load-${String(i).padStart(6, '0')}`, { method: 'PUT', headers: FORM, body: `provider=slow&to=98765${String(i).padStart(5, '0')}` })
        .then((res) => res.status, (err: unknown) => `failed: ${String(err)}`),
    );
    await peer.waitForRequests(40);
    const exit = cli.stop('SIGTERM');
    await cli.waitForLog(/^shutting down/);
    expect(await Promise.all(inFlight)).toEqual(Array(40).fill(200));
    expect(await exit).toBe(0);
  });
});

describe('Redis outages under the running CLI', () => {
  it('starts while Redis is down, answers 503, and serves once Redis is up, again after a kill and restart', async () => {
    const redis = await startRedis();
    await redis.stop();
    const config = writeConfig('outage.toml', [...redisTable(redis.port, 'outage'), '[providers.log]', 'enabled = true']);
    const cli = await startCli({ args: ['--config', config], cwd: dir });
    try {
      await cli.waitForLog(/redis is not reachable at startup/);
      expect(await status(`${cli.url}/api/health`)).toBe(503);
      expect(await status(`${cli.url}/api/otp/outage-000001`, { method: 'PUT', headers: FORM, body: 'provider=log&to=x' })).toBe(503);

      const healthy = async (): Promise<void> => {
        const deadline = Date.now() + 30_000;
        while ((await status(`${cli.url}/api/health`)) !== 200) {
          if (Date.now() > deadline) throw new Error('the CLI did not recover');
          await new Promise((r) => setTimeout(r, 100));
        }
      };
      await redis.restart();
      await healthy();
      expect(await status(`${cli.url}/api/otp/outage-000002`, { method: 'PUT', headers: FORM, body: 'provider=log&to=x' })).toBe(200);

      await redis.stop();
      expect(await status(`${cli.url}/api/health`)).toBe(503);
      expect(await status(`${cli.url}/api/otp/outage-000003`, { method: 'PUT', headers: FORM, body: 'provider=log&to=x' })).toBe(503);
      await redis.restart();
      await healthy();
      expect(await status(`${cli.url}/api/otp/outage-000004`, { method: 'PUT', headers: FORM, body: 'provider=log&to=x' })).toBe(200);
      expect(cli.child.exitCode).toBeNull();
    } finally {
      expect(await cli.stop('SIGTERM')).toBe(0);
      await redis.stop();
    }
  });
});

describe('app.secret_key', () => {
  const warning = /secret_key is not set/;

  it('warns exactly once at startup when it is not set', async () => {
    const cli = await startCli({ args: ['--config', writeConfig('nokey.toml', ['[providers.log]', 'enabled = true'])], cwd: dir });
    expect(await cli.stop('SIGTERM')).toBe(0);
    expect(cli.logs().filter((l) => warning.test(String(l.msg)))).toHaveLength(1);
  });

  it('is read from OTP_GATEWAY_APP__SECRET_KEY: no warning, and nothing readable in Redis', async () => {
    const prefix = `envkey-${randomUUID().slice(0, 8)}`;
    const config = writeConfig('envkey.toml', [...redisTable(testRedisPort(), prefix), '[providers.log]', 'enabled = true']);
    const cli = await startCli({ args: ['--config', config], cwd: dir, env: { OTP_GATEWAY_APP__SECRET_KEY: 'from-the-environment-0123456789abcdef' } });
    const res = await fetch(`${cli.url}/api/otp/envkey-000001`, { method: 'PUT', headers: FORM, body: 'provider=log&to=jane.doe%40example.com' });
    expect(res.status).toBe(200);
    const code = ((await res.json()) as { data: { otp: string } }).data.otp;
    expect(await cli.stop('SIGTERM')).toBe(0);
    expect(cli.logs().filter((l) => warning.test(String(l.msg)))).toHaveLength(0);

    const admin = createClient({ socket: { host: '127.0.0.1', port: testRedisPort() } });
    await admin.connect();
    try {
      const stored = JSON.stringify(await admin.hGetAll(`${prefix}:{shop:envkey-000001}`));
      expect(stored).toMatch(/v1\./);
      expect(stored).not.toContain('jane.doe');
      expect(stored).not.toContain(code);
    } finally {
      await admin.close();
    }
  });

  it('--new-config prints a config with fresh secrets that the server accepts', async () => {
    const first = await runCli({ args: ['--new-config'], cwd: dir });
    const second = await runCli({ args: ['--new-config'], cwd: dir });
    expect(first.code).toBe(0);
    const file = path.join(dir, 'new.toml');
    writeFileSync(file, first.stdout);
    const { config, warnings } = loadConfig({ files: [file], env: {}, cwd: dir });
    expect(warnings).toEqual([]);
    expect(config.app.secret_key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.stdout).not.toBe(second.stdout);
  });
});
