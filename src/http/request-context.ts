import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The request id: taken from a well-formed `X-Request-Id` header or generated,
 * echoed in the response, and attached to every log line written while the
 * request is handled (logger.ts reads it through `currentRequestId`).
 */

const storage = new AsyncLocalStorage<string>();
const WELL_FORMED = /^[A-Za-z0-9._:@\-]{1,128}$/;

/** The id of the request being handled by the current async context, if any. */
export function currentRequestId(): string | undefined {
  return storage.getStore();
}

/** Give the request an id, echo it as `X-Request-Id`, and run `handle` in its context. */
export function runWithRequestId(req: IncomingMessage, res: ServerResponse, handle: () => void): void {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && WELL_FORMED.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', id);
  storage.run(id, handle);
}
