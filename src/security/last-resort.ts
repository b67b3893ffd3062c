import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../logger';
import { logError, toAppError } from '../http/error-handler';

/**
 * The end of the Express stack, for requests no surface claimed (`/api` and the
 * pages have their own handlers). Express's default handler would answer an
 * HTML page and, outside NODE_ENV=production, an error's stack trace.
 */
export function lastResort(logger: Logger): [RequestHandler, ErrorRequestHandler] {
  return [
    (_req, res) => {
      res.status(404).type('text').send('Not found: the gateway serves /api, /otp/<namespace>/<id> and /static.');
    },
    (err, req, res, _next) => {
      const e = toAppError(err);
      logError(logger, req, e, err);
      if (res.headersSent) return void res.end();
      if (e.retryAfter !== undefined) res.setHeader('Retry-After', String(e.retryAfter));
      res.status(e.status).type('text').send(e.message);
    },
  ];
}
