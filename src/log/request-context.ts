import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

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

/** The request's id: a well-formed `X-Request-Id` it came with, or a new one. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && WELL_FORMED.test(given) ? given : randomUUID();
}

/**
 * Run `handle` in the context of request `id`. Echoing the id as `X-Request-Id`
 * is the caller's job: the API fast path writes all its headers at once.
 */
export function runWithRequestId(id: string, handle: () => void): void {
  storage.run(id, handle);
}
