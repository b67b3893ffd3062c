import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { testRedisPort } from '../helpers/gateway';
import { freePort } from '../helpers/redis-server';
import { basicAuth, CLI_TEST_TIMEOUT_MS, runCli, startCli } from '../cli/cli-process';

jest.setTimeout(CLI_TEST_TIMEOUT_MS);

const AUTH = basicAuth('shop', 'shop-secret-of-16-chars');

/** One request on a fresh connection (so the cluster can hand it to any worker). */
function post(url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: 'POST',
      agent: false,
      headers: { authorization: AUTH, 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), connection: 'close' },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('app.workers', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'otpgw-workers-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('with 2 workers on Redis serves requests from two processes, aggregates their metrics and stops them all on SIGTERM', async () => {
    const metricsPort = await freePort();
    const config = path.join(dir, 'workers.toml');
    writeFileSync(
      config,
      [
        '[app]',
        'address = "127.0.0.1:0"',
        'workers = 2',
        '[store.redis]',
        'host = "127.0.0.1"',
        `port = ${testRedisPort()}`,
        `key_prefix = "workers-${randomUUID().slice(0, 8)}"`,
        '[auth.shop]',
        'secret = "shop-secret-of-16-chars"',
        '[providers.log]',
        'enabled = true',
        '[metrics]',
        'enabled = true',
        `address = "127.0.0.1:${metricsPort}"`,
      ].join('\n'),
    );
    const cli = await startCli({ args: ['--config', config] });
    try {
      // Both workers listen before any of them is asked to serve.
      while (cli.logs().filter((l) => String(l.msg).startsWith('otpgateway listening on')).length < 2) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const create = await fetch(`${cli.url}/api/otp/cluster-otp`, {
        method: 'PUT',
        headers: { authorization: AUTH, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'provider=log&max_attempts=1000',
      });
      expect(create.status).toBe(200);
      const guesses = 40;
      const statuses = await Promise.all(Array.from({ length: guesses }, () => post(`${cli.url}/api/otp/cluster-otp`, 'otp=wrong-code')));
      expect(statuses).toEqual(Array(guesses).fill(400));

      // Each wrong guess is logged at info by the worker that answered it, with its pid.
      const deadline = Date.now() + 10_000;
      let pids = new Set<unknown>();
      while (Date.now() < deadline) {
        const wrong = cli.logs().filter((l) => l.msg === 'Incorrect OTP.');
        pids = new Set(wrong.map((l) => l.pid));
        if (wrong.length === guesses) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(pids.size).toBe(2);

      const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      expect(metrics).toContain(`otpgateway_wrong_codes_total{namespace="shop",provider="log"} ${guesses}`);
    } finally {
      expect(await cli.stop('SIGTERM')).toBe(0);
    }
    expect(cli.logs().filter((l) => l.msg === 'stopped')).toHaveLength(2);
  });

  it('gives up with exit code 1 when every worker dies right after starting (here: the port is taken)', async () => {
    const taken = http.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const result = await runCli({
        env: {
          OTP_GATEWAY_APP__WORKERS: '2',
          OTP_GATEWAY_APP__ADDRESS: `127.0.0.1:${port}`,
          OTP_GATEWAY_STORE__BACKEND: 'redis',
          OTP_GATEWAY_STORE__REDIS__PORT: String(testRedisPort()),
          OTP_GATEWAY_AUTH__SHOP__SECRET: 'shop-secret-of-16-chars',
        },
        cwd: dir,
      });
      expect(result.stdout).toMatch(/workers exited right after starting; giving up/);
      expect(result.code).toBe(1);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('refuses workers > 1 on the memory store with a config error', async () => {
    const result = await runCli({ env: { OTP_GATEWAY_APP__WORKERS: '2', OTP_GATEWAY_STORE__BACKEND: 'memory', OTP_GATEWAY_AUTH__SHOP__SECRET: 'x' }, cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/config error: app\.workers: .*memory store/);
  });

  it('requires a metrics address of their own when workers > 1 serve metrics', async () => {
    const result = await runCli({
      env: {
        OTP_GATEWAY_APP__WORKERS: '2',
        OTP_GATEWAY_STORE__REDIS__PORT: String(testRedisPort()),
        OTP_GATEWAY_METRICS__ENABLED: 'true',
        OTP_GATEWAY_AUTH__SHOP__SECRET: 'x',
      },
      cwd: dir,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/config error: metrics\.address: /);
  });
});
