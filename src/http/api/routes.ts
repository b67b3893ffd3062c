import { AppError } from '../../errors';
import type { Channels } from '../../otp/channels';
import type { OtpService } from '../../otp/service';
import type { OtpKey } from '../../store/store';
import type { Store } from '../../store/store';
import { withTimeout } from '../../timeout';
import { checkId, parseCreateBody, parseVerifyBody } from './inputs';
import { defineRoute } from './router';
import type { ApiRequest, ApiRoute } from './types';

/** What the `/api` routes call. */
export interface ApiDeps {
  service: OtpService;
  store: Store;
  channels: Channels;
}

const HEALTH_TIMEOUT_MS = 2000;

/** The names of the routes below: the bounded `route` label of logs and metrics. */
export const API_ROUTE_NAMES = ['health', 'providers', 'create', 'verify', 'status', 'confirm', 'cancel'] as const;

/**
 * The `/api` route table (api.md "Routes"). Each row: a name for logs and
 * metrics, method and path, whether a namespace must authenticate, whether a
 * body is read, the input parser and the handler that calls the core.
 * Every row is served by the one pipeline of pipeline.ts.
 */
export function apiRoutes(deps: ApiDeps): ApiRoute[] {
  const { service } = deps;
  return [
    defineRoute({
      name: 'health', method: 'GET', path: '/api/health', auth: 'none', body: 'none',
      summary: 'Is the store answering?',
      input: () => undefined,
      handle: () => health(deps.store),
    }),
    defineRoute({
      name: 'providers', method: 'GET', path: '/api/providers', auth: 'namespace', body: 'none',
      summary: 'The enabled providers (and routes), sorted.',
      input: () => undefined,
      handle: () => deps.channels.ids,
    }),
    defineRoute({
      name: 'create', method: 'PUT', path: '/api/otp', auth: 'namespace', body: 'fields',
      summary: 'Create an OTP with a random id and send its code.',
      input: (r) => parseCreateBody(r.body, r.isJson),
      handle: (request, r) => service.create(r.namespace, undefined, request),
    }),
    defineRoute({
      name: 'create', method: 'PUT', path: '/api/otp/:id', auth: 'namespace', body: 'fields',
      summary: 'Create (or regenerate) the OTP with this id and send its code.',
      input: (r) => ({ id: checkId(param(r, 'id')), request: parseCreateBody(r.body, r.isJson) }),
      handle: ({ id, request }, r) => service.create(r.namespace, id, request),
    }),
    defineRoute({
      name: 'verify', method: 'POST', path: '/api/otp/:id', auth: 'namespace', body: 'fields',
      summary: 'Verify the code the user typed (one attempt).',
      input: (r) => ({ key: keyOf(r), ...parseVerifyBody(r.body) }),
      handle: ({ key, otp, skipDelete }) => service.verify(key, otp, { skipDelete }),
    }),
    defineRoute({
      name: 'status', method: 'POST', path: '/api/otp/:id/status', auth: 'namespace', body: 'none',
      summary: 'The OTP when the user has verified it, else 400 not_verified.',
      input: keyOf,
      handle: (key) => service.status(key),
    }),
    defineRoute({
      name: 'confirm', method: 'DELETE', path: '/api/otp/:id/status', auth: 'namespace', body: 'none',
      summary: 'Like status, and deletes a verified OTP (one-shot confirmation).',
      input: keyOf,
      handle: (key) => service.confirm(key),
    }),
    defineRoute({
      name: 'cancel', method: 'DELETE', path: '/api/otp/:id', auth: 'namespace', body: 'none',
      summary: 'Delete the OTP whatever its state.',
      input: keyOf,
      handle: (key) => service.cancel(key),
    }),
  ];
}

function param(r: ApiRequest, name: string): string {
  return r.params[name] ?? '';
}

function keyOf(r: ApiRequest): OtpKey {
  return { namespace: r.namespace, id: checkId(param(r, 'id')) };
}

async function health(store: Store): Promise<string> {
  try {
    await withTimeout(store.ping(), HEALTH_TIMEOUT_MS, 'store ping');
    return 'OK';
  } catch {
    throw new AppError('store_unavailable', 'The store is not answering. Check the Redis connection.');
  }
}
