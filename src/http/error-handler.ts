import type { ErrorRequestHandler, Request, Response } from 'express';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import { sendError } from './envelope';

/** Errors thrown by body parsers and Express carry a status and a type; give each a sentence. */
const BODY_ERRORS: Record<string, string> = {
  'entity.parse.failed': 'The request body is not valid JSON. Send a JSON object, or form fields (application/x-www-form-urlencoded).',
  'entity.too.large': 'The request body is too large. Send at most 64 KiB.',
  'encoding.unsupported': 'The request body uses an unsupported content encoding. Send it uncompressed, as UTF-8.',
  'charset.unsupported': 'The request body uses an unsupported charset. Send it as UTF-8.',
  'request.aborted': 'The request was aborted before its body arrived.',
  'request.size.invalid': 'The request body is shorter or longer than its Content-Length.',
  'parameters.too.many': 'The request has too many form fields.',
};

/** Map anything thrown into an AppError; unknown errors become a generic 500 (logged by the caller). */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { status?: unknown; statusCode?: unknown; type?: unknown; expose?: unknown } | null;
  const status = typeof e?.status === 'number' ? e.status : typeof e?.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    const message = (typeof e?.type === 'string' && BODY_ERRORS[e.type]) || (err instanceof URIError
      ? 'The request URL contains broken percent-encoding.'
      : 'The request could not be read. Check its body and Content-Type.');
    return new AppError({ status, code: typeof e?.type === 'string' ? e.type : 'bad_request', message });
  }
  if (err instanceof URIError) {
    return new AppError({ status: 400, code: 'bad_url', message: 'The request URL contains broken percent-encoding.' });
  }
  return new AppError({ status: 500, code: 'internal', message: 'Internal server error. The error has been logged.' });
}

/** Log an error at the level its status deserves: 4xx at info, 5xx at error (with the cause). */
export function logError(logger: Logger, req: Pick<Request, 'method' | 'path'>, appError: AppError, cause: unknown): void {
  const fields = { method: req.method, path: req.path, status: appError.status, code: appError.code };
  if (appError.status >= 500) {
    logger.error({ ...fields, err: cause instanceof AppError ? undefined : cause }, appError.message);
  } else {
    logger.info(fields, appError.message);
  }
}

/** Apply the headers an error implies (Retry-After). */
export function applyErrorHeaders(res: { setHeader(name: string, value: string): unknown }, appError: AppError): void {
  if (appError.retryAfter !== undefined) res.setHeader('Retry-After', String(appError.retryAfter));
}

/** The JSON error handler of the `/api` surface: every error becomes the envelope. */
export function apiErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req: Request, res: Response, _next) => {
    const appError = toAppError(err);
    logError(logger, req, appError, err);
    if (res.headersSent) return;
    applyErrorHeaders(res, appError);
    sendError(res, appError.status, appError.message, appError.data);
  };
}
