import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../helpers/redis-server';
import { basicAuth, CLI_TEST_TIMEOUT_MS, startCli, type RunningCli } from './cli-process';

jest.setTimeout(CLI_TEST_TIMEOUT_MS);

describe('a graceful stop with a long poll of GET /api/outbox in flight', () => {
  let dir: string;
  let cli: RunningCli;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'otpgw-outbox-stop-'));
    cli = await startCli({ cwd: dir, env: { OTP_GATEWAY_APP__ADDRESS: `127.0.0.1:${await freePort()}` } });
  });
  afterAll(async () => {
    await cli?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers the waiting request at once with what there is, and exits 0 within the grace period (10 s, shorter than the 30 s wait)', async () => {
    const waiting = fetch(`${cli.url}/api/outbox?id=never-sent-1&wait=30`, { headers: { Authorization: basicAuth('dev', 'dev-secret') } });
    // Let the request reach the gateway before the signal.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const code = cli.stop('SIGTERM');
    const answer = await waiting;
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ status: 'success', data: [] });
    expect(await code).toBe(0);
  });
});
