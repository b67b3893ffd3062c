import { describeRuntime } from '../../src/runtime';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../helpers/redis-server';
import { CLI_TEST_TIMEOUT_MS, runCli, startCli } from './cli-process';

jest.setTimeout(CLI_TEST_TIMEOUT_MS);

const TENANT = '[auth.MyApp]\nsecret = "a-secret-of-16-chars"\n';

describe('the otpgateway command', () => {
  let dir: string;
  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'otpgw-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the package version and the Node.js it runs on with --version, and exits 0', async () => {
    const { version } = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    const run = await runCli({ args: ['--version'], cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`otpgateway ${version}\n${describeRuntime()}\n`);
    expect(run.stdout).toContain(`Node.js ${process.version} (`);
  });

  it('prints the flags and the environment convention with --help and exits 0', async () => {
    const run = await runCli({ args: ['--help'], cwd: dir });
    expect(run.code).toBe(0);
    for (const word of ['--config', '--version', '--help', 'OTP_GATEWAY_']) expect(run.stdout).toContain(word);
  });

  it('rejects an unknown argument with exit code 2 and a pointer to --help', async () => {
    const run = await runCli({ args: ['--conifg', 'x.toml'], cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Unknown argument "--conifg".*--help/);
  });

  it('refuses a config with several problems before listening: exit 2, one stderr line per problem naming its key', async () => {
    const port = await freePort();
    const file = write(
      'bad.toml',
      `[app]\naddress = "127.0.0.1:${port}"\notp_ttl = "soon"\n[providers.smtp]\nenabled = true\nport = "abc"\n[webhooks.calls]\nenabled = true\n${TENANT}`,
    );
    const run = await runCli({ args: ['--config', file], cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stdout).not.toContain('listening');
    expect(run.stderr.trim().split('\n').sort()).toEqual([
      'config error: app.otp_ttl: expected a whole number of seconds 1-86400 (or a duration such as "5m"), got "soon"',
      'config error: providers.smtp.port: expected an integer 1-65535, got "abc"',
      'config error: webhooks.calls.url: required when enabled = true',
    ]);
  });

  it('names the file, line and column of broken TOML and exits 2', async () => {
    const file = write('broken.toml', `${TENANT}[app]\naddress = 127.0.0.1:9000\n`);
    const run = await runCli({ args: ['--config', file], cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^config error: broken\.toml: not valid TOML at line 4, column \d+: .+\n$/);
  });

  it('names a --config file that does not exist and exits 2', async () => {
    const run = await runCli({ args: ['--config', 'nowhere.toml'], cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('config error: nowhere.toml: file not found\n');
  });

  it('names the key and the variable when an environment override holds a bad value, and exits 2', async () => {
    const file = write('good.toml', TENANT);
    const run = await runCli({ args: ['--config', file], cwd: dir, env: { OTP_GATEWAY_PROVIDERS__SMTP__PORT: 'abc' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'config error: providers.smtp.port: expected an integer 1-65535, got "abc" (set by the environment variable OTP_GATEWAY_PROVIDERS__SMTP__PORT)\n',
    );
  });

  it('names providers.smtp.template when the template file cannot be read, and exits 2', async () => {
    const file = write('tpl.toml', `[providers.smtp]\nenabled = true\ntemplate = "missing/body.html"\n${TENANT}`);
    const run = await runCli({ args: ['--config', file], cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^config error: providers\.smtp\.template: .*missing\/body\.html/);
  });

  it('prints unknown-key warnings next to the errors they may explain', async () => {
    const file = write('typo.toml', `[webhooks.calls]\nenabled = true\nulr = "https://example.com/hook"\n${TENANT}`);
    const run = await runCli({ args: ['--config', file], cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('config warning: webhooks.calls.ulr: unknown key, ignored (did you mean webhooks.calls.url?)\nconfig error: webhooks.calls.url: required when enabled = true\n');
  });

  it('logs unknown keys as warnings at startup and starts anyway', async () => {
    const file = write(
      'unknown.toml',
      `[app]\naddress = "127.0.0.1:0"\ncolour = "red"\n[store]\nbackend = "memory"\n[providers.log]\nenabled = true\n${TENANT}`,
    );
    const cli = await startCli({ args: ['--config', file], cwd: dir });
    try {
      const warning = await cli.waitForLog(/^config: /);
      expect(warning).toMatchObject({ level: 40, msg: 'config: app.colour: unknown key, ignored' });
      const health = await fetch(`${cli.url}/api/health`);
      expect(health.status).toBe(200);
    } finally {
      expect(await cli.stop()).toBe(0);
    }
  });
});
