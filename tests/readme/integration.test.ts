/// <reference lib="dom" />
// Functions passed to page.evaluate run in the browser: the DOM types describe them.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { runCli } from '../cli/cli-process';
import { configDir } from '../config/config-files';
import { launchChromium } from '../e2e/support';
import { buildTestGateway, type TestGateway } from '../helpers/gateway';
import { freePort } from '../helpers/redis-server';
import { cleanEnv, runProcess } from '../helpers/server-process';
import { startSmtpPeer, type SmtpPeer } from '../helpers/smtp-peer';
import { atGateway, example, EXAMPLES, readmeBlocks } from './readme-blocks';

jest.setTimeout(90_000);

/** The README's namespace and secret (examples/readme/*.sh say `-u myApp:9f2c4e1b7a5d3e8c`). */
const MY_APP = { namespace: 'myApp', secret: '9f2c4e1b7a5d3e8c' };
const SIGNING_SECRET = 'whsec-for-the-readme-receiver';

/** Run a shell example of the README with bash, addressed to `url`: its standard output. */
async function shell(name: string, url: string): Promise<string> {
  // Not spawnSync: the gateway answering the script runs in this process.
  const run = await runProcess({ command: ['bash', '-c', atGateway(example(name), url)], cwd: EXAMPLES, env: cleanEnv() });
  if (run.code !== 0) throw new Error(`${name} failed (${run.code}): ${run.stderr}`);
  return run.stdout;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Resolve once something answers HTTP at `url`. */
async function answering(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await fetch(url).then(() => true, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`nothing answers at ${url}`);
}

describe('the README\'s examples, run against a gateway with the namespace myApp', () => {
  let smtp: SmtpPeer;
  let gw: TestGateway;
  let server: Server;
  let url: string;
  let receiver: ChildProcess;

  beforeAll(async () => {
    smtp = await startSmtpPeer();
    const receiverPort = await freePort();
    receiver = spawn(process.execPath, [path.join(EXAMPLES, 'webhook-receiver.js')], {
      env: { ...process.env, PORT: String(receiverPort), OTP_SIGNING_SECRET: SIGNING_SECRET },
      stdio: 'ignore',
    });
    const hook = { enabled: true, url: `http://127.0.0.1:${receiverPort}/otp-hook` };
    const port = await freePort();
    url = `http://localhost:${port}`;
    gw = await buildTestGateway({
      store: 'memory',
      config: {
        app: { root_url: url },
        auth: { myApp: MY_APP },
        providers: { smtp: { enabled: true, host: '127.0.0.1', port: smtp.port, from_email: 'OTP <otp@example.com>' } },
        webhooks: { signed: { ...hook, signing_secret: SIGNING_SECRET }, forged: { ...hook, signing_secret: 'not-the-receiver-secret' } },
        rate_limit: { pages_per_ip: 0, sends_per_address: 0 },
      },
    });
    server = createServer(gw.app);
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    await answering(`http://127.0.0.1:${receiverPort}/`);
  });
  afterAll(async () => {
    receiver?.kill('SIGTERM');
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await gw?.close();
    await smtp?.close();
  });

  /** The code of the last message mailed to `to`, read from its one-click link. */
  async function mailedCode(to: string): Promise<string> {
    for (let i = 0; i < 100; i++) {
      const mail = smtp.messages.filter((m) => m.to.includes(to)).pop();
      if (mail) return /[?&]otp=(\w+)/.exec(mail.parsed.text ?? '')?.[1] ?? '';
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no mail to ${to}`);
  }

  it('the canonical integration: create.sh sends a code, modal.html verifies it in Chromium, confirm.sh confirms', async () => {
    const created = JSON.parse(await shell('create.sh', url)) as { status: string; data: { id: string; to: string } };
    expect(created).toMatchObject({ status: 'success', data: { id: '4f9c2e1a-email-john', to: 'john@example.com' } });
    const code = await mailedCode('john@example.com');
    expect(code).toMatch(/^\d{6}$/);
    expect(await shell('confirm.sh', url)).toContain('"message":"OTP not verified."');

    const host = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(`<!doctype html><body>${atGateway(example('modal.html'), url)}</body>`));
    const hostUrl = await listen(host);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(hostUrl);
      const frame = page.frameLocator('iframe.otpgw-frame');
      await frame.locator('#otp').fill(code);
      await frame.locator('button[type=submit]').first().click();
      await page.waitForSelector('[role="dialog"]', { state: 'detached' });
    } finally {
      await browser.close();
      host.close();
    }
    const confirmed = JSON.parse((await shell('confirm.sh', url)).split('\n')[0] ?? '') as { status: string; data: { closed: boolean } };
    expect(confirmed).toMatchObject({ status: 'success', data: { closed: true } });
  });

  it('client.js loads as a CommonJS module of an app, sends a code and checks a wrong and the right one', async () => {
    process.env.OTPGW_URL = url;
    process.env.OTPGW_SECRET = MY_APP.secret;
    const { sendCode, checkCode } = require(path.join(EXAMPLES, 'client.js')) as {
      sendCode(id: string, email: string): Promise<void>;
      checkCode(id: string, code: string): Promise<boolean>;
    };
    await sendCode('user-42-email', 'jane@example.com');
    const code = await mailedCode('jane@example.com');
    expect(await checkCode('user-42-email', code === '000000' ? '111111' : '000000')).toBe(false);
    expect(await checkCode('user-42-email', code)).toBe(true);
    await expect(checkCode('user-42-email', code)).rejects.toMatchObject({ name: 'OTPGatewayError', status: 400, code: 'not_found' });
  });

  it('webhook-receiver.js accepts a correctly signed delivery (the create answers 200) and refuses a forged one (502)', async () => {
    const put = (provider: string): Promise<Response> => fetch(`${url}/api/otp/hook-${provider}-1`, {
      method: 'PUT',
      headers: { Authorization: `Basic ${Buffer.from(`${MY_APP.namespace}:${MY_APP.secret}`).toString('base64')}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ provider, to: '5550001' }),
    });
    expect((await put('signed')).status).toBe(200);
    const forged = await put('forged');
    expect(forged.status).toBe(502);
    expect(((await forged.json()) as { code: string }).code).toBe('delivery_failed');
  });

  it('the config errors shown are what the CLI prints for a config with those two mistakes', async () => {
    const shown = readmeBlocks().find((b) => b.text.startsWith('config error: providers.smtp.port'))?.text ?? '';
    const tmp = configDir();
    try {
      const file = tmp.write('config.toml', '[providers.smtp]\nenabled = true\nport = "abc"\n[auth.myApp]\nnamespace = "myApp"\nsecret = ""\n');
      const run = await runCli({ args: ['--config', file], cwd: tmp.dir });
      expect(run.code).toBe(2);
      expect(run.stderr.split('\n').filter((l) => l.startsWith('config error:')).map((l) => `${l}\n`).join('')).toBe(shown);
    } finally {
      tmp.remove();
    }
  });
});
