/**
 * `otpgateway/client`: the typed Node client of the gateway's HTTP API.
 * It depends on nothing but Node (global fetch), so apps can import it without the server's dependencies.
 */
export { OTPGatewayClient } from './client';
export { OTPGatewayError, type OTPGatewayFailure } from './errors';
export type { CreateOptions, CreatedOtp, OTPGatewayClientOptions, Otp, VerifyOptions } from './types';
