// A CommonJS module of your backend; in an ES module: import { OTPGatewayClient, OTPGatewayError } from 'otpgateway-client';
const { OTPGatewayClient, OTPGatewayError } = require('otpgateway-client');

const gateway = new OTPGatewayClient({
  baseUrl: process.env.OTPGW_URL, // e.g. http://gateway:9000
  namespace: 'myApp',
  secret: process.env.OTPGW_SECRET,
  timeoutMs: 5000, // per request, default 10 000
});

/** Send a code to the address the user wants to verify. */
async function sendCode(id, email) {
  await gateway.create(id, { provider: 'smtp', to: email, ttl: 600 });
}

/** Check the code the user typed: true when verified, false when wrong with attempts left. */
async function checkCode(id, codeTheUserTyped) {
  try {
    const otp = await gateway.verify(id, codeTheUserTyped);
    return otp.closed; // true: verified
  } catch (err) {
    if (!(err instanceof OTPGatewayError)) throw err;
    if (err.code === 'incorrect_otp') return false; // err.data: the OTP, with its attempts
    // err.status 400 'The OTP does not exist or has expired.'; 429: out of attempts, retry after err.retryAfter seconds;
    // err.status 0: no answer, err.code 'network' or 'timeout'
    throw err;
  }
}

module.exports = { sendCode, checkCode };
