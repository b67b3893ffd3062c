#!/usr/bin/env node
'use strict';
/*
 * Regenerates the screenshots in this folder: one per page state.
 *   npm run build && node docs/screenshots/take.js [outDir]
 * Starts a gateway (memory store, the smtp provider delivering to a local
 * smtp-server that learns the codes), the example host app on another origin,
 * and Chromium.
 */
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { chromium } = require('playwright-core');
const { SMTPServer } = require('smtp-server');
const { simpleParser } = require('mailparser');
const { validate } = require('../../dist/src/config/load');
const { buildGateway } = require('../../dist/src/gateway');
const { createLogger } = require('../../dist/src/log/logger');

const OUT = path.resolve(process.argv[2] || __dirname);
const SECRET = 'acme-secret-for-screenshots';

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    }).on('error', reject);
  });
}

/** Wait until the modal's iframe has taken its page's height (otp.js sets it on the page's message), if it does. */
async function fitted(page) {
  await page.waitForFunction(() => {
    const frame = document.querySelector('iframe.otpgw-frame');
    return frame && frame.style.height !== '';
  }, null, { timeout: 2000 }).catch(() => {});
  await page.waitForTimeout(250); // the height transition
}

async function main() {
  // The last code e-mailed for each OTP id, read from the one-click link in the message.
  const codes = new Map();
  const receiver = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, done) {
      simpleParser(stream).then((mail) => {
        const m = /\/otp\/[^/]+\/([^?\s]+)\?action=check&(?:amp;)?otp=(\w+)/.exec(mail.text || '');
        if (m) codes.set(decodeURIComponent(m[1]), m[2]);
        done();
      }, done);
    },
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  const gwPort = await freePort();
  const root = `http://localhost:${gwPort}`;
  const { config } = validate({
    app: { root_url: root, otp_max_attempts: 5 },
    store: { backend: 'memory' },
    auth: { acme: { namespace: 'acme', secret: SECRET } },
    providers: { smtp: { enabled: true, host: '127.0.0.1', port: receiver.server.address().port, from_email: 'Acme <otp@acme.example>' } },
    rate_limit: { pages_per_ip: 0, sends_per_address: 0 },
  });
  const gw = await buildGateway({ config, baseDirs: [process.cwd()] }, createLogger({ silent: true }));
  const server = http.createServer(gw.app).listen(gwPort, '127.0.0.1');
  const auth = `Basic ${Buffer.from(`acme:${SECRET}`).toString('base64')}`;
  const create = async (id, fields) => {
    const res = await fetch(`${root}/api/otp/${id}`, { method: 'PUT', headers: { Authorization: auth, 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ provider: 'smtp', ...fields }) });
    if (res.status !== 200) throw new Error(`create ${id}: ${res.status} ${await res.text()}`);
  };

  const hostPort = await freePort();
  const host = spawn(process.execPath, [path.join(__dirname, '../../examples/host-app/server.js')], {
    env: { ...process.env, OTPGW_URL: root, OTPGW_NAMESPACE: 'acme', OTPGW_SECRET: SECRET, OTPGW_PROVIDER: 'smtp', PORT: String(hostPort) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((r) => host.stdout.once('data', r));

  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ viewport: { width: 720, height: 760 } });
  const page = await context.newPage();
  const shot = (name) => page.screenshot({ path: path.join(OUT, name) });
  try {
    await create('user-000001', {});
    await page.goto(`${root}/otp/acme/user-000001`);
    await shot('address.png');
    await page.fill('#to', 'not-an-address');
    await page.click('button[type=submit]');
    await shot('address-invalid.png');
    await page.fill('#to', 'john.doe@example.com');
    await page.click('button[type=submit]');
    await page.waitForSelector('#otp');
    await shot('code.png');
    const code = codes.get('user-000001');
    await page.fill('#otp', code === '000000' ? '111111' : '000000');
    await page.click('button[type=submit]');
    await page.waitForSelector('[role=alert]');
    await shot('wrong-code.png');
    await page.fill('#otp', code);
    await page.click('button[type=submit]');
    await page.waitForSelector('text=Verified');
    await shot('verified.png');

    await create('user-000002', { to: 'john.doe@example.com', max_attempts: '1' });
    await page.goto(`${root}/otp/acme/user-000002`);
    await page.fill('#otp', codes.get('user-000002') === '000000' ? '111111' : '000000');
    await page.click('button[type=submit]');
    await page.waitForSelector('text=Too many attempts');
    await shot('locked.png');

    await page.goto(`${root}/otp/acme/user-999999`);
    await shot('expired.png');

    await create('user-000003', { to: 'john.doe@example.com' });
    await page.goto(`${root}/otp/acme/user-000003?action=check&otp=${codes.get('user-000003')}`);
    await shot('email-link-confirm.png');

    await page.setViewportSize({ width: 320, height: 640 });
    await create('user-000004', { to: 'a.very.long.address.for.testing@example.com', channel_description: 'We have sent a six-digit code to your e-mail. Enter it below to continue.' });
    await page.goto(`${root}/otp/acme/user-000004`);
    await shot('code-320px.png');

    await page.setViewportSize({ width: 1024, height: 720 });
    await page.goto(`http://127.0.0.1:${hostPort}/`);
    await page.fill('#email', 'john.doe@example.com');
    await page.click('#verify');
    const frame = page.frameLocator('iframe.otpgw-frame');
    await frame.locator('#otp').waitFor();
    await shot('popup-modal.png');

    // The modal on a phone (390 × 844 CSS pixels): the code page, then the Verified state before it closes.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`http://127.0.0.1:${hostPort}/`);
    await page.fill('#email', 'jane.doe@example.com');
    await page.click('#verify');
    await frame.locator('#otp').waitFor();
    await fitted(page);
    await shot('modal-phone.png');
    const id = await page.evaluate(() => window.currentVerification.id);
    await frame.locator('#otp').fill(codes.get(id));
    await frame.locator('button[type=submit]').first().click();
    await frame.locator('h1', { hasText: 'Verified' }).waitFor({ timeout: 5000 }).then(
      async () => { await fitted(page); await shot('modal-phone-verified.png'); },
      () => console.log('no Verified state in the modal: it closed at once'),
    );
  } finally {
    await browser.close();
    host.kill('SIGTERM');
    server.close();
    await new Promise((r) => receiver.close(r));
    await gw.close();
  }
  console.log(`screenshots written to ${OUT}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
