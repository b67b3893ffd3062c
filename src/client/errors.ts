/** Why a call failed on the client's side: no complete answer (`status` 0), or an answer that is not the envelope. */
export type OTPGatewayFailure = 'network' | 'timeout' | 'bad_response';

/**
 * The one error type of the client. For an answer outside 2xx it carries the
 * HTTP `status`, the envelope's `message` and `data` (and `code` when the
 * envelope has one). When no complete answer arrived, `status` is 0 and `code`
 * is `network` or `timeout`; an answer that is not the JSON envelope (a proxy's
 * error page, a wrong base URL) keeps its HTTP status with code `bad_response`.
 */
export class OTPGatewayError extends Error {
  /** HTTP status, or 0 when the gateway did not answer. */
  readonly status: number;
  /** The envelope's `code` if it has one, or the client-side `OTPGatewayFailure`. */
  readonly code: string | undefined;
  /** The envelope's `data` (e.g. the OTP on a wrong code, the lock details on a 429). */
  readonly data: unknown;
  /** Seconds from a `Retry-After` header (429 answers). */
  readonly retryAfter: number | undefined;

  constructor(options: { status: number; message: string; code?: string; data?: unknown; retryAfter?: number; cause?: unknown }) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OTPGatewayError';
    this.status = options.status;
    this.code = options.code;
    this.data = options.data;
    this.retryAfter = options.retryAfter;
  }

  /** True when the gateway never answered (network error or timeout): the call may be retried. */
  get unreachable(): boolean {
    return this.status === 0 && (this.code === 'network' || this.code === 'timeout');
  }
}
