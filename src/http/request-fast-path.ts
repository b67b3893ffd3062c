import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Logger } from '../logger';
import type { OtpService } from '../otp/service';
import type { Tenant } from './auth';
import { createAuthorizer } from './auth';
import { logError, toAppError } from './error-handler';
import { checkId, parseCreateBody, parseVerifyBody } from './inputs';
import { bodyKind, parseBody, readBody, type BodyKind } from './request-body';
import type { HeaderSet } from './request-headers';

/**
 * The API hot path without Express. Express 5 alone caps this machine at about
 * 1/6 of plain node:http (docs/benchmarks.md), so the four calls an integration
 * makes all the time — create, verify, status — are answered here in plain
 * node:http, with the same auth, parsers, validation, lifecycle calls, error
 * sentences and envelope as api-routes.ts. Everything unusual (bad or missing
 * credentials, other content types, chunked or compressed bodies, percent-encoded
 * ids, query strings, other routes) returns false and goes through Express,
 * which stays the single reference for edge cases.
 */

/** The routes the fast path answers, as labels (also used by the HTTP metrics). */
export type FastRoute = 'create' | 'verify' | 'status';

/** What the fast path needs; `enabled: false` turns it off (per-namespace API guards need Express). */
export interface FastPathDeps {
  service: OtpService;
  tenants: readonly Tenant[];
  logger: Logger;
  /** False when per-namespace API guards (rate limits) are configured: those are Express middleware. */
  enabled: boolean;
  /** The headers the Express stack puts on every `/api` answer (security headers), recorded at startup. */
  headers: HeaderSet | undefined;
}

/** Answers the request (echoing `requestId`) and returns true, or returns false without touching it. */
export type FastPath = (req: IncomingMessage, res: ServerResponse, requestId: string) => boolean;

const ROUTE = /^\/api\/otp(?:\/([A-Za-z0-9\-_.:@]+)(\/status)?)?$/;
const CREDENTIALS = /^ *[Bb][Aa][Ss][Ii][Cc] +([A-Za-z0-9._~+/-]+=*) *$/;

/** Build the fast path for one gateway. */
export function createFastPath(deps: FastPathDeps): FastPath {
  if (!deps.enabled || !deps.headers) return () => false;
  // Cache-Control: no-store is among the recorded headers (securityHeaders sets it on /api).
  const base: OutgoingHttpHeaders = {};
  for (const [name, value] of deps.headers.set) base[name] = typeof value === 'object' ? [...value] : value;
  base['Content-Type'] = 'application/json; charset=utf-8';
  // Nothing is set on `res` before writeHead: given only an object, Node writes it as is
  // instead of copying each header through setHeader (the headers Express would remove are never set).
  const send = (res: ServerResponse, status: number, payload: unknown, requestId: string, retryAfter?: number): void => {
    const body = JSON.stringify(payload);
    const headers: OutgoingHttpHeaders = { ...base, 'X-Request-Id': requestId, 'Content-Length': Buffer.byteLength(body) };
    if (retryAfter !== undefined) headers['Retry-After'] = String(retryAfter);
    res.writeHead(status, headers);
    res.end(body);
  };
  const authorize = createAuthorizer(deps.tenants);
  const { service, logger } = deps;

  /** The namespace of valid Basic credentials, or undefined (Express then answers the 401). */
  const namespaceOf = (req: IncomingMessage): string | undefined => {
    const header = req.headers.authorization;
    const m = header === undefined ? null : CREDENTIALS.exec(header);
    if (!m) return undefined;
    const decoded = Buffer.from(m[1] as string, 'base64').toString();
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const user = decoded.slice(0, colon);
    return authorize(user, decoded.slice(colon + 1)) ? user : undefined;
  };

  const answer = async (req: IncomingMessage, res: ServerResponse, id: string, kind: BodyKind, run: (body: unknown) => Promise<unknown>): Promise<void> => {
    try {
      const body = parseBody(kind, kind === 'none' ? '' : await readBody(req));
      send(res, 200, { status: 'success', data: await run(body) }, id);
    } catch (err) {
      const appError = toAppError(err);
      logError(logger, { method: req.method ?? '', path: (req.url ?? '').slice('/api'.length) }, appError, err);
      if (res.headersSent) return;
      const data = appError.data;
      const payload = data === undefined ? { status: 'error', message: appError.message } : { status: 'error', message: appError.message, data };
      send(res, appError.status, payload, id, appError.retryAfter);
    }
  };

  return (req, res, requestId) => {
    const url = req.url;
    if (url === undefined || !url.startsWith('/api/otp')) return false;
    const m = ROUTE.exec(url);
    if (!m) return false;
    const id = m[1];
    const status = m[2] !== undefined;
    const method = req.method;
    if (!(method === 'PUT' && !status) && !(method === 'POST' && id !== undefined)) return false;
    const kind = bodyKind(req);
    if (kind === undefined) return false;
    const namespace = namespaceOf(req);
    if (namespace === undefined) return false;

    if (method === 'PUT') {
      void answer(req, res, requestId, kind, (body) => {
        const request = parseCreateBody(body, kind === 'json');
        return service.create(namespace, id === undefined ? undefined : checkId(id), request);
      });
    } else if (status) {
      void answer(req, res, requestId, kind, () => service.status({ namespace, id: checkId(id as string) }));
    } else {
      void answer(req, res, requestId, kind, (body) => {
        const { otp, skipDelete } = parseVerifyBody(body);
        return service.verify({ namespace, id: checkId(id as string) }, otp, { skipDelete });
      });
    }
    return true;
  };
}

/** The route label of a request the fast path would consider (for metrics), else undefined. */
export function fastRouteOf(method: string | undefined, url: string | undefined): FastRoute | undefined {
  if (url === undefined || !url.startsWith('/api/otp')) return undefined;
  const m = ROUTE.exec(url);
  if (!m) return undefined;
  if (method === 'PUT' && m[2] === undefined) return 'create';
  if (method === 'POST' && m[1] !== undefined) return m[2] === undefined ? 'verify' : 'status';
  return undefined;
}
