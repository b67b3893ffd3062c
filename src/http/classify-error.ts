import { AppError, type ErrorCode } from '../errors';
import type { Logger } from '../log/logger';

/**
 * What every HTTP surface does with something thrown: turn it into a catalog
 * error (body-parser's and Express's errors carry a status and a `type`;
 * anything unknown is `internal`) and log it at the level its status deserves.
 */

/** Sentences and codes for the errors body-parser raises, by their `type`. */
const BODY_ERRORS: Record<string, { code: ErrorCode; message: string }> = {
  'entity.parse.failed': { code: 'invalid_body', message: 'The request body is not valid JSON. Send a JSON object, or form fields (application/x-www-form-urlencoded).' },
  'entity.too.large': { code: 'payload_too_large', message: 'The request body is too large. Send at most 64 KiB.' },
  'encoding.unsupported': { code: 'unsupported_media_type', message: 'The request body uses an unsupported content encoding. Send it uncompressed, as UTF-8.' },
  'charset.unsupported': { code: 'unsupported_media_type', message: 'The request body uses an unsupported charset. Send it as UTF-8.' },
  'request.aborted': { code: 'invalid_body', message: 'The request was aborted before its body arrived.' },
  'request.size.invalid': { code: 'invalid_body', message: 'The request body is shorter or longer than its Content-Length.' },
  'parameters.too.many': { code: 'payload_too_large', message: 'The request has too many form fields.' },
};

const UNREADABLE = { code: 'invalid_body' as const, message: 'The request could not be read. Check its body and Content-Type.' };

/** Map anything thrown into an AppError; unknown errors become `internal` (500). */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof URIError) return new AppError('invalid_id', 'The request URL contains broken percent-encoding.');
  const e = typeof err === 'object' && err !== null ? (err as { status?: unknown; type?: unknown }) : {};
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    const known = (typeof e.type === 'string' && BODY_ERRORS[e.type]) || (e.status === 413 ? BODY_ERRORS['entity.too.large'] : undefined) || UNREADABLE;
    return new AppError(known.code, known.message);
  }
  return new AppError('internal', 'Internal server error. The error has been logged.');
}

/** Where an error happened, for its log line. */
export interface ErrorPlace {
  method: string;
  /** The request path; only its first 200 characters are logged (paths come from the client). */
  path: string;
  /** A fixed label of the route, when the surface knows it. */
  route?: string;
}

/** Log an error at the level its status deserves: 4xx at info, 5xx at error (with the cause). */
export function logError(logger: Logger, place: ErrorPlace, appError: AppError, cause: unknown): void {
  const q = place.path.indexOf('?');
  const path = (q < 0 ? place.path : place.path.slice(0, q)).slice(0, 200);
  const fields = { method: place.method.slice(0, 16), path, route: place.route, status: appError.status, code: appError.code };
  if (appError.status >= 500) {
    logger.error({ ...fields, err: cause instanceof AppError ? undefined : cause }, appError.message);
  } else {
    logger.info(fields, appError.message);
  }
}
