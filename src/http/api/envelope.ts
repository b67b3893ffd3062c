import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { AppError } from '../../errors';
import { API_HEADERS } from '../../security/headers';

/**
 * The renderer of the `/api` surface (api.md "Envelope"): every answer, success
 * or error, is written here, with the API's security headers and the request
 * id, in one `writeHead` (nothing is set on the response before).
 */

const CHALLENGE = 'Basic realm="otpgateway"';

function write(res: ServerResponse, status: number, payload: unknown, requestId: string, extra?: OutgoingHttpHeaders): void {
  const body = JSON.stringify(payload);
  const headers: OutgoingHttpHeaders = { ...API_HEADERS, 'X-Request-Id': requestId, 'Content-Length': Buffer.byteLength(body), ...extra };
  res.writeHead(status, headers);
  res.end(body);
}

/** `200 {"status":"success","data":…}`. */
export function sendData(res: ServerResponse, requestId: string, data: unknown): void {
  write(res, 200, { status: 'success', data }, requestId);
}

/** `200` with `body` as the whole JSON answer, no envelope (the OpenAPI document, for tools that read it as it is). */
export function sendDocument(res: ServerResponse, requestId: string, body: unknown): void {
  write(res, 200, body, requestId);
}

/** `{"status":"error","code":…,"message":…,"data"?:…}` with the error's status, Retry-After and, for 401, the Basic challenge. */
export function sendError(res: ServerResponse, requestId: string, error: AppError): void {
  const payload = error.data === undefined
    ? { status: 'error', code: error.code, message: error.message }
    : { status: 'error', code: error.code, message: error.message, data: error.data };
  let extra: OutgoingHttpHeaders | undefined;
  if (error.retryAfter !== undefined) extra = { 'Retry-After': String(error.retryAfter) };
  else if (error.code === 'unauthorized') extra = { 'WWW-Authenticate': CHALLENGE };
  write(res, error.status, payload, requestId, extra);
}
