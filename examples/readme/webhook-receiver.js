const crypto = require('node:crypto');
const express = require('express');
const app = express();

app.post('/otp-hook', express.raw({ type: 'application/json' }), (req, res) => {
  const expected = 'sha256=' + crypto.createHmac('sha256', process.env.OTP_SIGNING_SECRET).update(req.body).digest('hex');
  const received = req.get('X-OTPGateway-Signature') || '';
  if (received.length !== expected.length || !crypto.timingSafeEqual(Buffer.from(received), Buffer.from(expected))) {
    return res.status(401).end();
  }
  const { otp, body, sent_at } = JSON.parse(req.body);
  if (Math.abs(Date.now() - Date.parse(sent_at)) > 5 * 60_000) return res.status(401).end(); // a replayed old request
  // …send `body` to otp.to…
  res.status(204).end();
});

app.listen(Number(process.env.PORT || 8080));
