/**
 * `otpgateway/client`: the typed Node client of the gateway's HTTP API, and the check of its result tokens.
 * It depends on Node (global fetch) and `jose` only, so apps can import it without the server's dependencies.
 */
export { OTPGatewayClient } from './client';
export { OTPGatewayError, type OTPGatewayFailure } from './errors';
export type { CreateOptions, CreatedOtp, OTPGatewayClientOptions, Otp, VerifyOptions } from './types';
export { verifyResultToken, ResultTokenError, type ResultTokenCheck, type ResultTokenClaims, type VerifyResultTokenOptions } from './verify-token';
