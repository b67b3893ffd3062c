#!/usr/bin/env node
'use strict';
/*
 * Regenerates the screenshots of the code page in other languages (German,
 * Arabic at 320 px, Hindi):
 *   npm run build && node docs/screenshots/take-languages.js [outDir]
 * Starts a gateway (memory store, the log provider) and Chromium. Arabic needs
 * a font with Arabic (DejaVu Sans has it), Hindi one with Devanagari
 * (Debian: apt-get install fonts-lohit-deva).
 */
const http = require('node:http');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { validate } = require('../../dist/src/config/load');
const { buildGateway } = require('../../dist/src/gateway');
const { createLogger } = require('../../dist/src/log/logger');

const OUT = path.resolve(process.argv[2] || __dirname);
const SECRET = 'acme-secret';

const SHOTS = [
  { file: 'code-de.png', accept: 'de', width: 720 },
  { file: 'code-ar-320px.png', accept: 'ar', width: 320 },
  { file: 'code-hi.png', accept: 'en', lang: 'hi', width: 720 },
];

async function main() {
  const server = http.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const root = `http://localhost:${server.address().port}`;
  const { config } = validate({
    app: { root_url: root, otp_max_attempts: 5 },
    store: { backend: 'memory' },
    auth: { acme: { namespace: 'acme', secret: SECRET } },
    providers: { log: { enabled: true } },
    rate_limit: { pages_per_ip: 0, sends_per_address: 0 },
  });
  const gw = await buildGateway({ config, baseDirs: [process.cwd()] }, createLogger({ silent: true }));
  server.on('request', gw.app);
  const auth = `Basic ${Buffer.from(`acme:${SECRET}`).toString('base64')}`;
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    for (const [i, shot] of SHOTS.entries()) {
      const id = `user-lang-${i}`;
      const body = new URLSearchParams({ provider: 'log', to: 'john.doe@example.com', ...(shot.lang ? { lang: shot.lang } : {}) });
      const res = await fetch(`${root}/api/otp/${id}`, { method: 'PUT', headers: { Authorization: auth, 'Content-Type': 'application/x-www-form-urlencoded' }, body });
      if (res.status !== 200) throw new Error(`create ${id}: ${res.status} ${await res.text()}`);
      const context = await browser.newContext({ viewport: { width: shot.width, height: 760 }, extraHTTPHeaders: { 'Accept-Language': shot.accept } });
      const page = await context.newPage();
      await page.goto(`${root}/otp/acme/${id}`);
      // One wrong code, so the page shows an error and a plural other than the first.
      await page.fill('#otp', '000000');
      await page.click('button[type=submit]');
      await page.waitForSelector('[role=alert]');
      await page.screenshot({ path: path.join(OUT, shot.file), fullPage: true });
      await context.close();
    }
  } finally {
    await browser.close();
    server.close();
    await gw.close();
  }
  console.log(`screenshots written to ${OUT}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
