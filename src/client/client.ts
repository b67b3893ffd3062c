import { OTPGatewayError } from './errors';
import { call, type Endpoint } from './transport';
import type { CreateOptions, CreatedOtp, OTPGatewayClientOptions, Otp, VerifiedOtp, VerifyOptions } from './types';

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * A typed client of the gateway's `/api` for Node backends, acting as one
 * namespace. Every method resolves with the envelope's `data` and rejects with
 * an `OTPGatewayError` for anything else (README "Node client").
 */
export class OTPGatewayClient {
  readonly #endpoint: Endpoint;

  constructor(options: OTPGatewayClientOptions) {
    if (!/^https?:\/\//i.test(options.baseUrl)) {
      throw new TypeError(`OTPGatewayClient: baseUrl must start with http:// or https://, got ${JSON.stringify(options.baseUrl)}.`);
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
      throw new TypeError(`OTPGatewayClient: timeoutMs must be a whole number of milliseconds >= 1, got ${String(options.timeoutMs)}.`);
    }
    this.#endpoint = {
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      authorization: `Basic ${Buffer.from(`${options.namespace}:${options.secret}`, 'utf8').toString('base64')}`,
      timeoutMs,
    };
  }

  /**
   * Create an OTP and send its code (when `to` is set), or regenerate an
   * unexpired one. `id` undefined lets the gateway choose a random id.
   */
  async create(id: string | undefined, options: CreateOptions): Promise<CreatedOtp> {
    const path = id === undefined ? '/api/otp' : otpPath(id);
    return asOtp(await call(this.#endpoint, { method: 'PUT', path, body: { ...options } }), path) as CreatedOtp;
  }

  /** Check the code the user typed: resolves with the closed OTP (and its result `token` under [signing]); a wrong code rejects with 400, no attempts left with 429. */
  async verify(id: string, code: string, options: VerifyOptions = {}): Promise<VerifiedOtp> {
    const path = otpPath(id);
    return asOtp(await call(this.#endpoint, { method: 'POST', path, body: { otp: code, ...options } }), path);
  }

  /** Has the user finished (e.g. in the built-in pages)? Resolves with the OTP when closed (and a fresh result `token` under [signing]); rejects 400 `OTP not verified.` when not. */
  async status(id: string): Promise<VerifiedOtp> {
    const path = `${otpPath(id)}/status`;
    return asOtp(await call(this.#endpoint, { method: 'POST', path }), path);
  }

  /** Delete the OTP whatever its state; rejects with 400 when it does not exist. */
  async cancel(id: string): Promise<void> {
    await call(this.#endpoint, { method: 'DELETE', path: otpPath(id) });
  }

  /** Ids of the providers enabled on the gateway, sorted. */
  async providers(): Promise<string[]> {
    const data = await call(this.#endpoint, { method: 'GET', path: '/api/providers' });
    if (!Array.isArray(data) || !data.every((p) => typeof p === 'string')) throw badData('/api/providers', 'a list of provider ids');
    return data;
  }
}

function otpPath(id: string): string {
  // Encoded so that an id can never reach another route (`../`, `?`, `#`); the gateway rejects ids it does not allow.
  return `/api/otp/${encodeURIComponent(id)}`;
}

function asOtp(data: unknown, path: string): Otp {
  const otp = data as Partial<Otp> | null;
  if (typeof otp !== 'object' || otp === null || typeof otp.id !== 'string' || typeof otp.closed !== 'boolean') {
    throw badData(path, 'an OTP object');
  }
  return otp as Otp;
}

function badData(path: string, expected: string): OTPGatewayError {
  return new OTPGatewayError({ status: 200, code: 'bad_response', message: `${path} answered 200 without ${expected} in its data: is the base URL the gateway's?` });
}
