import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testRedisPort } from '../helpers/gateway';
import { startSmtpPeer, type SmtpPeer } from '../helpers/smtp-peer';
import { basicAuth, CLI_TEST_TIMEOUT_MS, type RunningCli, startCli } from './cli-process';

jest.setTimeout(CLI_TEST_TIMEOUT_MS);

// The Go otpgateway v3 config.sample.toml, unchanged; only the environment points it at local peers
// and replaces its placeholder secrets (which never start a server) with real ones.
const GO_SAMPLE = path.join(__dirname, '..', 'fixtures', 'go-v3-config.sample.toml');
const SECRETS = { MyApp: 'my-app-secret-of-16-chars', MyOtherApp: 'other-app-secret-of-16-chars' };

describe('the server started on the Go otpgateway v3 config.sample.toml', () => {
  let dir: string;
  let smtp: SmtpPeer;
  let cli: RunningCli;
  beforeAll(async () => {
    // Its [providers.smtp] logs in with CRAM-MD5 as smtp-user / smtp-password.
    smtp = await startSmtpPeer({ auth: { username: 'smtp-user', password: 'smtp-password' } });
    // An empty working directory: template = "static/smtp.tpl" must come from the gateway's own files.
    dir = mkdtempSync(path.join(os.tmpdir(), 'otpgw-goconfig-'));
    cli = await startCli({
      args: ['--config', GO_SAMPLE],
      cwd: dir,
      env: {
        OTP_GATEWAY_APP__ADDRESS: '127.0.0.1:0',
        OTP_GATEWAY_STORE__REDIS__HOST: '127.0.0.1',
        OTP_GATEWAY_STORE__REDIS__PORT: String(testRedisPort()),
        OTP_GATEWAY_STORE__REDIS__KEY_PREFIX: `go-${randomUUID().slice(0, 8)}`,
        OTP_GATEWAY_PROVIDERS__SMTP__HOST: '127.0.0.1',
        OTP_GATEWAY_PROVIDERS__SMTP__PORT: String(smtp.port),
        OTP_GATEWAY_AUTH__MYAPP__SECRET: SECRETS.MyApp,
        OTP_GATEWAY_AUTH__MYOTHERAPP__SECRET: SECRETS.MyOtherApp,
      },
    });
  });
  afterAll(async () => {
    await cli?.stop();
    await smtp.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts on Redis with the smtp provider and no config warnings', () => {
    const listening = cli.logs().find((l) => /^otpgateway listening/.test(String(l.msg)));
    expect(listening).toMatchObject({ store: 'redis', providers: ['smtp'] });
    expect(cli.logs().filter((l) => /^config: /.test(String(l.msg)))).toEqual([]);
    expect(cli.stderr()).toBe('');
  });

  it('authenticates both of its tenants', async () => {
    for (const [user, secret] of Object.entries(SECRETS)) {
      const res = await fetch(`${cli.url}/api/providers`, { headers: { Authorization: basicAuth(user, secret) } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { data: string[] }).data).toEqual(['smtp']);
    }
  });

  it('e-mails the code with its Go subject and the Go-syntax static/smtp.tpl body', async () => {
    const created = await fetch(`${cli.url}/api/otp/go-compat-1`, {
      method: 'PUT',
      headers: { Authorization: basicAuth('MyApp', SECRETS.MyApp), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'provider=smtp&to=jane@example.com',
    });
    expect(created.status).toBe(200);
    const code = ((await created.json()) as { data: { otp: string } }).data.otp;

    const [mail] = await smtp.waitForMessages(1);
    expect(mail?.authMethod).toBe('CRAM-MD5');
    expect(mail?.to).toEqual(['jane@example.com']);
    expect(mail?.parsed.subject).toBe('MyApp: E-mail verification');
    const html = String(mail?.parsed.html);
    expect(html).toContain(code);
    expect(html).toContain('jane@example.com');
    expect(html).toMatch(/href="http:\/\/localhost:9000\/otp\/MyApp\/go-compat-1[^"]*"/);
    expect(html).not.toContain('{{');
  });
});
