import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../helpers/redis-server';
import { CLI_TEST_TIMEOUT_MS, type RunningCli, startCli } from './cli-process';

jest.setTimeout(CLI_TEST_TIMEOUT_MS);

/** What the container image does with nothing configured (an empty config file, no variables), plus one misspelt key. */
describe('started with a config that has no namespace and no provider', () => {
  let dir: string;
  let cli: RunningCli;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'otpgw-empty-'));
    writeFileSync(path.join(dir, 'config.toml'), '[app]\notp_tll = 30\n');
    cli = await startCli({ cwd: dir, env: { OTP_GATEWAY_APP__ADDRESS: `127.0.0.1:${await freePort()}` } });
  });
  afterAll(async () => {
    await cli?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('warns loudly, before it listens, that every API call will be refused and why', () => {
    const logs = cli.logs();
    const at = (pattern: RegExp): number => logs.findIndex((l) => pattern.test(String(l.msg)));
    expect(logs[at(/^NO NAMESPACE IS CONFIGURED/)]).toMatchObject({ level: 40, msg: expect.stringMatching(/401.*\[auth\.NAME\]/) });
    expect(logs[at(/^NO PROVIDER IS ENABLED/)]).toMatchObject({ level: 40, msg: expect.stringMatching(/enabled = true/) });
    expect(at(/^NO NAMESPACE/)).toBeLessThan(at(/^otpgateway listening/));
  });

  it('names the known key a misspelt one was probably meant to be', () => {
    expect(cli.logs().map((l) => l.msg)).toContain('config: app.otp_tll: unknown key, ignored (did you mean app.otp_ttl?)');
  });

  it('answers 401 as it said it would', async () => {
    expect((await fetch(`${cli.url}/api/providers`, { headers: { Authorization: 'Basic eDp5' } })).status).toBe(401);
  });
});
