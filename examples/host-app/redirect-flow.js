'use strict';
/*
 * Sign in with the redirect flow: no JavaScript anywhere, not on this app's pages, not on the gateway's.
 *   1. GET /signin shows a form; POST /signin creates the OTP with redirect_uri, state and nonce,
 *      and sends the browser to the gateway's page (303 to the OTP's url);
 *   2. the gateway's page sends the browser back to /callback?token=…&state=… (or ?error=…&state=…);
 *   3. /callback checks state against this browser's cookie, then the token with verifyResultToken
 *      (signature from the gateway's JWKS, iss, aud, sub, nonce, exp), refuses a jti it has seen, and signs the user in.
 * The gateway must list this app's callback URL in [auth.<namespace>] redirect_uris and have [signing] keys.
 */
const crypto = require('node:crypto');
const express = require('express');

const page = (title, body) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
  `<title>${title}</title><link rel="stylesheet" href="/host.css"></head><body><main class="shop"><h1>${title}</h1>${body}</main></body></html>`;

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const ERRORS = {
  access_denied: 'You cancelled the sign-in.',
  expired: 'The code expired before it was entered. Try again.',
  locked: 'Too many wrong codes. Try again later.',
};

/** Add GET/POST /signin and GET /callback to `app`. `gateway(method, path, fields)` calls the gateway API as the namespace. */
function mountRedirectFlow(app, config, gateway) {
  // state → { id, nonce, at }; and the jtis accepted, until their tokens expire (a replayed token is refused).
  // (A real app keeps both in its session store or database.)
  const pending = new Map();
  const seenJtis = new Map();
  const form = express.urlencoded({ extended: false, limit: '4kb' });

  app.get('/signin', (_req, res) => {
    res.type('html').send(page('Sign in to Acme Shop', `
  <form method="post" action="/signin">
    <label for="email">E-mail address</label>
    <input id="email" name="email" type="email" autocomplete="email" required>
    <button type="submit" id="signin-submit">Send me a code</button>
  </form>`));
  });

  app.post('/signin', form, async (req, res) => {
    const email = typeof req.body.email === 'string' ? req.body.email.trim() : '';
    const id = `signin-${crypto.randomBytes(12).toString('hex')}`;
    const state = crypto.randomBytes(16).toString('base64url');
    const nonce = crypto.randomBytes(16).toString('base64url');
    try {
      const created = await gateway('PUT', `/otp/${id}`, {
        provider: config.provider,
        to: email,
        channel_description: 'Enter the code we sent you to sign in to Acme Shop.',
        redirect_uri: config.callbackUrl,
        state,
        nonce,
      });
      if (created.status !== 200) return res.status(400).type('html').send(page('Sign-in failed', `<p id="outcome">${escape(created.body.message || 'Could not start the sign-in.')}</p>`));
      pending.set(state, { id, nonce, at: Date.now() });
      // Ties the state to this browser: a callback URL pasted into another browser fails.
      res.cookie('signin_state', state, { httpOnly: true, sameSite: 'lax', path: '/callback', maxAge: 15 * 60 * 1000 });
      res.redirect(303, created.body.data.url);
    } catch (err) {
      res.status(502).type('html').send(page('Sign-in failed', `<p id="outcome">The OTP gateway did not answer: ${escape(err.message)}</p>`));
    }
  });

  app.get('/callback', async (req, res) => {
    const state = typeof req.query.state === 'string' ? req.query.state : '';
    const cookie = /(?:^|;\s*)signin_state=([^;]+)/.exec(req.headers.cookie || '');
    const started = pending.get(state);
    if (!started || !cookie || cookie[1] !== state) {
      return res.status(400).type('html').send(page('Sign-in failed', '<p id="outcome">Unknown or foreign sign-in (state does not match).</p>'));
    }
    pending.delete(state);
    res.clearCookie('signin_state', { path: '/callback' });
    if (typeof req.query.error === 'string') {
      return res.status(400).type('html').send(page('Not signed in', `<p id="outcome">${escape(ERRORS[req.query.error] || 'The sign-in failed.')}</p>`));
    }
    try {
      // Loaded here, not at the top: the modal flow of server.js runs without the client package built.
      const { verifyResultToken } = require('otpgateway-client');
      const claims = await verifyResultToken(String(req.query.token || ''), {
        gatewayUrl: config.gateway, namespace: config.namespace, id: started.id, nonce: started.nonce,
      });
      for (const [jti, exp] of seenJtis) if (exp * 1000 < Date.now()) seenJtis.delete(jti);
      if (seenJtis.has(claims.jti)) throw Object.assign(new Error('this token was already used'), { check: 'replay' });
      seenJtis.set(claims.jti, claims.exp);
      res.type('html').send(page('Signed in', `<p id="outcome">Signed in as <strong id="address">${escape(claims.to)}</strong> (verified by ${escape(claims.channel)}).</p>`));
    } catch (err) {
      res.status(400).type('html').send(page('Sign-in failed', `<p id="outcome">The result token was refused (${escape(err.check || 'error')}): ${escape(err.message)}</p>`));
    }
  });
}

module.exports = { mountRedirectFlow };
