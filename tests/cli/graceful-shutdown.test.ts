import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHttpPeer, type HttpPeer } from '../helpers/http-peer';
import { testRedisPort } from '../helpers/gateway';
import { basicAuth, CLI_TEST_TIMEOUT_MS, startCli } from './cli-process';

jest.setTimeout(CLI_TEST_TIMEOUT_MS);

const AUTH = basicAuth('shop', 'shop-secret-of-16-chars');

describe('on SIGTERM or SIGINT the server', () => {
  let dir: string;
  let peer: HttpPeer;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'otpgw-shutdown-'));
    // A webhook receiver that answers slowly, so that requests are still in flight at the signal.
    peer = await startHttpPeer({ status: 200, delayMs: 1500 });
  });
  afterAll(async () => {
    await peer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops accepting, finishes the in-flight requests with 200, closes Redis and exits 0', async () => {
    const config = path.join(dir, 'redis.toml');
    writeFileSync(
      config,
      [
        '[app]',
        'address = "127.0.0.1:0"',
        '[store.redis]',
        'host = "127.0.0.1"',
        `port = ${testRedisPort()}`,
        `key_prefix = "shutdown-${randomUUID().slice(0, 8)}"`,
        '[auth.shop]',
        'secret = "shop-secret-of-16-chars"',
        '[webhooks.slow]',
        'enabled = true',
        `url = "${peer.url}/hook"`,
        'timeout = "10s"',
      ].join('\n'),
    );
    const cli = await startCli({ args: ['--config', config], cwd: dir });
    const inFlight = Array.from({ length: 4 }, (_, i) =>
      fetch(`${cli.url}/api/otp/order-${i}`, {
        method: 'PUT',
        headers: { Authorization: AUTH, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'provider=slow&to=9876543210',
      }).then(async (res) => ({ status: res.status, body: (await res.json()) as { data?: { id: string } } })),
    );
    // Every request has reached the webhook receiver, which has not answered yet.
    await peer.waitForRequests(4);
    const exit = cli.stop('SIGTERM');
    await cli.waitForLog(/^shutting down/);

    // New connections are refused while the in-flight requests finish.
    await expect(fetch(`${cli.url}/api/health`)).rejects.toThrow();

    const responses = await Promise.all(inFlight);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(responses.map((r) => r.body.data?.id).sort()).toEqual(['order-0', 'order-1', 'order-2', 'order-3']);
    expect(await exit).toBe(0);
    expect(cli.logs().map((l) => l.msg)).toContain('stopped');
  });

  it('exits 0 on SIGINT when idle', async () => {
    const config = path.join(dir, 'memory.toml');
    writeFileSync(config, '[app]\naddress = "127.0.0.1:0"\n[store]\nbackend = "memory"\n[providers.log]\nenabled = true\n[auth.shop]\nsecret = "shop-secret-of-16-chars"\n');
    const cli = await startCli({ args: ['--config', config], cwd: dir });
    expect((await fetch(`${cli.url}/api/health`)).status).toBe(200);
    expect(await cli.stop('SIGINT')).toBe(0);
    expect(cli.logs().map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down: finishing in-flight requests', 'stopped']));
  });
});
