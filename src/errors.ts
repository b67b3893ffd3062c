/**
 * The one error type of the gateway. Anything thrown that is not an AppError
 * is an unexpected failure: the error handler logs it and answers a generic 500.
 */
export class AppError extends Error {
  /** HTTP status the error maps to. */
  readonly status: number;
  /** Stable machine-readable code, e.g. `otp_not_found`. */
  readonly code: string;
  /** Optional payload returned as `data` in the error envelope. */
  readonly data: unknown;
  /** Seconds the client should wait; sets the `Retry-After` header. */
  readonly retryAfter: number | undefined;

  constructor(options: { status: number; code: string; message: string; data?: unknown; retryAfter?: number }) {
    // A 4xx is an expected answer (a wrong code, a bad field), never logged with a stack:
    // skip capturing one, which is a measurable part of a wrong-code verify.
    const stackLimit = Error.stackTraceLimit;
    if (options.status < 500) Error.stackTraceLimit = 0;
    super(options.message);
    Error.stackTraceLimit = stackLimit;
    this.name = 'AppError';
    this.status = options.status;
    this.code = options.code;
    this.data = options.data;
    this.retryAfter = options.retryAfter;
  }
}

/** 400 for a request field that is missing or malformed; the message says what to fix. */
export function invalidInput(message: string): AppError {
  return new AppError({ status: 400, code: 'invalid_input', message });
}

/** 400: the OTP id is unknown or its record expired (compat: 400, not 404). */
export function otpNotFound(): AppError {
  return new AppError({ status: 400, code: 'otp_not_found', message: 'The OTP does not exist or has expired.' });
}

/** 400: the code did not match; `data` is the OTP without its code. */
export function incorrectOtp(data: unknown): AppError {
  return new AppError({ status: 400, code: 'incorrect_otp', message: 'Incorrect OTP.', data });
}

/** 429 on verify: no attempts left. */
export function tooManyAttempts(ttlSeconds: number): AppError {
  return new AppError({
    status: 429,
    code: 'too_many_attempts',
    message: `Too many attempts. Please retry after ${ttlSeconds} seconds.`,
    retryAfter: ttlSeconds,
  });
}

/** 429 on create/regenerate: the record is locked by its attempt or send budget. */
export function attemptsExceeded(ttlSeconds: number, attempts: number, maxAttempts: number): AppError {
  return new AppError({
    status: 429,
    code: 'attempts_exceeded',
    message: `OTP attempts exceeded. Retry after ${ttlSeconds} seconds.`,
    data: { ttl_seconds: ttlSeconds, attempts, max_attempts: maxAttempts },
    retryAfter: ttlSeconds,
  });
}

/** 400: the provider id is not an enabled provider. */
export function unknownProvider(): AppError {
  return new AppError({ status: 400, code: 'unknown_provider', message: 'Unknown provider.' });
}

/** 502: the provider did not accept the message (its reason is logged, not returned). */
export function sendFailed(): AppError {
  return new AppError({ status: 502, code: 'send_failed', message: 'Error sending OTP.' });
}

/** 400 on status: the user has not finished verifying. */
export function notVerified(): AppError {
  return new AppError({ status: 400, code: 'not_verified', message: 'OTP not verified.' });
}

/** 503: the store (Redis) did not answer in time. */
export function storeUnavailable(): AppError {
  return new AppError({
    status: 503,
    code: 'store_unavailable',
    message: 'The OTP store is unavailable. Please retry shortly.',
    retryAfter: 1,
  });
}

/** The message of anything thrown (an Error's message, else its text), for logs and wrapped errors. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
