#!/usr/bin/env node
'use strict';
/*
 * Screenshots of the outbox page and the root page:
 *   npm run build && node docs/screenshots/take-outbox.js [outDir]
 * Starts a gateway (memory store, the outbox provider), creates a few OTPs
 * and opens /outbox/acme in Chromium with the namespace's Basic credentials.
 */
const http = require('node:http');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { validate } = require('../../dist/src/config/load');
const { buildGateway } = require('../../dist/src/gateway');
const { createLogger } = require('../../dist/src/log/logger');

const OUT = path.resolve(process.argv[2] || __dirname);
const SECRET = 'acme-secret-for-screenshots';

async function main() {
  const { config } = validate({
    app: { root_url: 'http://127.0.0.1:0' },
    store: { backend: 'memory' },
    auth: { acme: { secret: SECRET } },
    providers: { outbox: { enabled: true, channel_name: 'SMS', address: 'phone' } },
  });
  const gateway = await buildGateway({ config, baseDirs: [process.cwd()] }, createLogger({ level: 'warn' }));
  const server = http.createServer(gateway.app);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  const auth = `Basic ${Buffer.from(`acme:${SECRET}`).toString('base64')}`;
  const create = (id, to) => fetch(`${base}/api/otp/${id}`, {
    method: 'PUT',
    headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ provider: 'outbox', to }).toString(),
  }).then((r) => r.json());
  await create('signup.user-1842', '+14155552671');
  await create('login.user-77', '+44 7911 123456');
  await create('payout.user-9', '+919876543210');

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
  try {
    const context = await browser.newContext({ httpCredentials: { username: 'acme', password: SECRET }, viewport: { width: 900, height: 760 } });
    const page = await context.newPage();
    await page.goto(`${base}/outbox/acme`);
    await page.screenshot({ path: path.join(OUT, 'outbox.png'), fullPage: true });
    const phone = await browser.newContext({ httpCredentials: { username: 'acme', password: SECRET }, viewport: { width: 320, height: 700 } });
    const small = await phone.newPage();
    await small.goto(`${base}/outbox/acme`);
    await small.screenshot({ path: path.join(OUT, 'outbox-320px.png'), fullPage: true });
    await page.goto(`${base}/`);
    await page.screenshot({ path: path.join(OUT, 'home.png'), fullPage: true });
  } finally {
    await browser.close();
    server.close();
    await gateway.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
