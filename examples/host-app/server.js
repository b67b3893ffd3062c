#!/usr/bin/env node
'use strict';
/*
 * A tiny host application showing the canonical otpgateway integration:
 *   1. its backend creates the OTP with the gateway API (Basic auth: namespace + secret);
 *   2. its page opens the modal with otp.js (OTPGateway(namespace, id, onFinish, onCancel));
 *   3. on finish its backend confirms with POST /api/otp/<id>/status before trusting anything.
 * And, without any JavaScript, "Sign in" with the redirect flow and a signed result token (redirect-flow.js).
 *
 * Run:  node examples/host-app/server.js      (with a gateway on http://localhost:9000, e.g. `npm start`)
 * Env:  OTPGW_URL, OTPGW_NAMESPACE, OTPGW_SECRET, OTPGW_PROVIDER, HOST, PORT,
 *       OTPGW_CALLBACK_URL (the redirect flow's redirect_uri; default http://HOST:PORT/callback)
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const express = require('express');
const { mountRedirectFlow } = require('./redirect-flow');

const config = {
  gateway: (process.env.OTPGW_URL || 'http://localhost:9000').replace(/\/+$/, ''),
  namespace: process.env.OTPGW_NAMESPACE || 'dev',
  secret: process.env.OTPGW_SECRET || 'dev-secret',
  provider: process.env.OTPGW_PROVIDER || 'log',
  host: process.env.HOST || '127.0.0.1',
  port: Number(process.env.PORT || 8000),
};
config.callbackUrl = process.env.OTPGW_CALLBACK_URL || `http://${config.host}:${config.port}/callback`;

/** Call the gateway API as this application's namespace. */
async function gateway(method, apiPath, fields) {
  const auth = Buffer.from(`${config.namespace}:${config.secret}`).toString('base64');
  const res = await fetch(`${config.gateway}/api${apiPath}`, {
    method,
    headers: { Authorization: `Basic ${auth}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: fields ? new URLSearchParams(fields).toString() : undefined,
    signal: AbortSignal.timeout(10_000),
  });
  const body = await res.json().catch(() => ({}));
  return { status: res.status, body };
}

// Verifications this server started and has not confirmed yet: id → when.
// (A real app keeps this in the user's session or database.)
const pending = new Map();

const app = express();
app.disable('x-powered-by');
app.use(express.json({ limit: '4kb' }));
app.use(express.static(path.join(__dirname, 'public'), { index: false, extensions: false }));

const page = fs.readFileSync(path.join(__dirname, 'public', 'index.html'), 'utf8').replace(/__GATEWAY__/g, config.gateway);
app.get('/', (_req, res) => res.type('html').send(page));

// Step 1: create the OTP on the gateway. An empty e-mail lets the gateway page ask for it.
app.post('/verify/start', async (req, res) => {
  const to = typeof req.body?.email === 'string' ? req.body.email.trim() : '';
  const id = `host-${crypto.randomBytes(12).toString('hex')}`;
  try {
    const created = await gateway('PUT', `/otp/${id}`, {
      provider: config.provider,
      to,
      channel_description: 'Enter the code we sent you to finish signing up to Acme Shop.',
    });
    if (created.status !== 200) return res.status(400).json({ error: created.body.message || 'Could not start the verification.' });
    pending.set(id, Date.now());
    res.json({ namespace: config.namespace, id });
  } catch (err) {
    res.status(502).json({ error: `The OTP gateway did not answer: ${err.message}` });
  }
});

// Step 3: the page says it finished; only the gateway's answer counts.
app.post('/verify/finish', async (req, res) => {
  const id = typeof req.body?.id === 'string' ? req.body.id : '';
  if (!pending.has(id)) return res.status(400).json({ verified: false, error: 'Unknown verification.' });
  try {
    const status = await gateway('POST', `/otp/${encodeURIComponent(id)}/status`);
    if (status.status !== 200 || !status.body.data?.closed) {
      return res.status(400).json({ verified: false, error: status.body.message || 'Not verified.' });
    }
    pending.delete(id);
    res.json({ verified: true, to: status.body.data.to });
  } catch (err) {
    res.status(502).json({ verified: false, error: `The OTP gateway did not answer: ${err.message}` });
  }
});

mountRedirectFlow(app, config, gateway);

const server = app.listen(config.port, config.host, () => {
  const { port } = server.address();
  // Tests read this line to learn the port.
  console.log(`host app listening on http://${config.host}:${port} (gateway ${config.gateway}, namespace ${config.namespace})`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
