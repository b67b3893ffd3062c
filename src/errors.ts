/**
 * The error catalog: every error a client of the gateway can meet, as one
 * typed code with its HTTP status. The API envelope carries the code
 * (`"code": "incorrect_otp"`), the pages pick what to show from it, the README
 * and the OpenAPI document list it. A code once published never changes meaning.
 */
export const ERROR_CATALOG = {
  unauthorized: { status: 401, meaning: 'Missing or malformed Basic credentials, an unknown namespace or a wrong secret.' },
  no_route: { status: 404, meaning: 'There is no API route with this method and path.' },
  not_found: { status: 400, meaning: 'The OTP does not exist or has expired (400, not 404, for compatibility with the Go otpgateway).' },
  invalid_id: { status: 400, meaning: 'The OTP id in the path is not 6-128 characters of A-Z a-z 0-9 - _ . : @, or its percent-encoding is broken.' },
  invalid_field: { status: 400, meaning: 'A request field is missing or malformed; `data.field` names it.' },
  invalid_body: { status: 400, meaning: 'The request body cannot be parsed (broken JSON, a body that is not an object, a truncated upload).' },
  incorrect_otp: { status: 400, meaning: 'The code is wrong and attempts are left; `data` is the OTP without its code.' },
  not_verified: { status: 400, meaning: 'The user has not finished verifying (status of an open OTP).' },
  no_address: { status: 400, meaning: 'The OTP has no address to send to yet (resend before the address page was filled in).' },
  country_not_allowed: { status: 400, meaning: 'The phone number belongs to a country outside `sms_countries` of the app or the namespace; nothing was stored or sent. `data.country` names it ("" for international service numbers).' },
  address_already_set: { status: 409, meaning: 'The address of this OTP is already set (a second address-page submission).' },
  payload_too_large: { status: 413, meaning: 'The body is over 64 KiB (after decompression) or has too many form fields.' },
  extra_too_large: { status: 413, meaning: 'The `extra` value is longer than `app.max_extra_bytes` (4096 bytes of JSON by default); `data.max_bytes` says how long it may be.' },
  unsupported_media_type: { status: 415, meaning: 'The body is neither JSON nor form fields, or not UTF-8, or compressed in an unsupported way.' },
  attempts_exceeded: { status: 429, meaning: 'No verification attempts are left for this OTP; `Retry-After` says when it expires.' },
  generate_limit: { status: 429, meaning: 'No more codes may be sent for this OTP id (`max_generate`); `Retry-After` says when it expires.' },
  rate_limited: { status: 429, meaning: 'A rate limit refused the request; `Retry-After` says when to retry.' },
  namespace_full: { status: 429, meaning: 'The namespace already holds `app.max_otps_per_namespace` live OTPs (memory store); new ids are refused until some expire or are deleted.' },
  internal: { status: 500, meaning: 'An unexpected error; it has been logged with the request id.' },
  delivery_failed: { status: 502, meaning: 'The provider did not accept the message; the record stays, so a retry is possible.' },
  store_unavailable: { status: 503, meaning: 'The store (Redis) did not answer in time; retry shortly.' },
} as const satisfies Record<string, { status: number; meaning: string }>;

/** Every error code of the gateway. */
export type ErrorCode = keyof typeof ERROR_CATALOG;

/** Optional parts of an error besides its code and sentence. */
export interface AppErrorOptions {
  /** Payload returned as `data` in the error envelope. */
  data?: unknown;
  /** Seconds the client should wait; sets the `Retry-After` header. */
  retryAfter?: number;
}

/**
 * The one error type of the gateway: a catalog code, its status and a sentence
 * a developer can act on. Anything thrown that is not an AppError is an
 * unexpected failure: the surface that caught it logs it and answers `internal`.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  /** HTTP status, from the catalog. */
  readonly status: number;
  readonly data: unknown;
  readonly retryAfter: number | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    const status = ERROR_CATALOG[code].status;
    // A 4xx is an expected answer (a wrong code, a bad field), never logged with a stack:
    // skip capturing one, which is a measurable part of a wrong-code verify.
    const stackLimit = Error.stackTraceLimit;
    if (status < 500) Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = stackLimit;
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.data = options.data;
    this.retryAfter = options.retryAfter;
  }
}

/** 400 for a request field that is missing or malformed; the message says what to fix. */
export function invalidField(field: string, message: string): AppError {
  return new AppError('invalid_field', message, { data: { field } });
}

/** 400: the OTP id is unknown or its record expired (compat: 400, not 404). */
export function otpNotFound(): AppError {
  return new AppError('not_found', 'The OTP does not exist or has expired.');
}

/** 400: the code did not match; `data` is the OTP without its code. */
export function incorrectOtp(data: unknown): AppError {
  return new AppError('incorrect_otp', 'Incorrect OTP.', { data });
}

/** 429 on verify: no attempts left. */
export function tooManyAttempts(ttlSeconds: number): AppError {
  return new AppError('attempts_exceeded', `Too many attempts. Please retry after ${ttlSeconds} seconds.`, { retryAfter: ttlSeconds });
}

/** What a locked record reports on create, regenerate or resend. */
export interface LockedState {
  ttlSeconds: number;
  attempts: number;
  maxAttempts: number;
  generate: number;
  maxGenerate: number;
}

/**
 * 429 on create/regenerate/resend: the record is locked by its attempt budget
 * (`attempts_exceeded`) or its send budget (`generate_limit`). The sentence is
 * the Go gateway's for both (compat); the code tells them apart.
 */
export function recordLocked(otp: LockedState): AppError {
  // The send budget is unambiguous; any other lock is the attempt budget (spent, or below a smaller new max_attempts).
  const outOfSends = otp.generate >= otp.maxGenerate;
  return new AppError(outOfSends ? 'generate_limit' : 'attempts_exceeded', `OTP attempts exceeded. Retry after ${otp.ttlSeconds} seconds.`, {
    data: { ttl_seconds: otp.ttlSeconds, attempts: otp.attempts, max_attempts: otp.maxAttempts },
    retryAfter: otp.ttlSeconds,
  });
}

/** 502: the provider did not accept the message (its reason is logged, not returned). */
export function deliveryFailed(provider: string): AppError {
  return new AppError('delivery_failed', `Error sending OTP: the provider ${provider} did not accept the message. The OTP is kept: retry in a moment.`);
}

/** 400 on status: the user has not finished verifying. */
export function notVerified(): AppError {
  return new AppError('not_verified', 'OTP not verified.');
}

/** 503: the store (Redis) did not answer in time. */
export function storeUnavailable(): AppError {
  return new AppError('store_unavailable', 'The OTP store is unavailable. Please retry shortly.', { retryAfter: 1 });
}

/** The message of anything thrown (an Error's message, else its text), for logs and wrapped errors. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
