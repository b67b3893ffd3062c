import { AppError } from '../../errors';
import type { Channels } from '../../otp/channels';
import type { OtpService } from '../../otp/service';
import type { OtpKey } from '../../store/store';
import type { Store } from '../../store/store';
import { withTimeout } from '../../timeout';
import { checkId, CREATE_FIELDS, parseCreateBody, parseVerifyBody, VERIFY_FIELDS } from './inputs';
import { apiDocument } from './openapi';
import { ref } from './schemas';
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
export const API_ROUTE_NAMES = ['health', 'providers', 'create', 'verify', 'status', 'confirm', 'cancel', 'openapi'] as const;

/**
 * The `/api` route table (api.md "Routes"). Each row: a name for logs and
 * metrics, method and path, whether a namespace must authenticate, whether a
 * body is read, its OpenAPI description (`doc`), the input parser and the
 * handler that calls the core. Every row is served by the one pipeline of pipeline.ts.
 */
export function apiRoutes(deps: ApiDeps): ApiRoute[] {
  const { service } = deps;
  const routes = [
    defineRoute({
      name: 'health', method: 'GET', path: '/api/health', auth: 'none', body: 'none',
      summary: 'Is the store answering?',
      doc: { data: { const: 'OK' }, errors: ['store_unavailable'] },
      input: () => undefined,
      handle: () => health(deps.store),
    }),
    defineRoute({
      name: 'providers', method: 'GET', path: '/api/providers', auth: 'namespace', body: 'none',
      summary: 'The enabled providers (and routes), sorted.',
      doc: { data: { type: 'array', items: { type: 'string' } }, errors: [] },
      input: () => undefined,
      handle: () => deps.channels.ids,
    }),
    defineRoute({
      name: 'create', method: 'PUT', path: '/api/otp', auth: 'namespace', body: 'fields',
      summary: 'Create an OTP with a random id and send its code.',
      doc: { operationId: 'createWithRandomId', fields: CREATE_FIELDS, data: ref('CreatedOtp'), errors: CREATE_ERRORS },
      input: (r) => parseCreateBody(r.body, r.isJson),
      handle: (request, r) => service.create(r.namespace, undefined, request),
    }),
    defineRoute({
      name: 'create', method: 'PUT', path: '/api/otp/:id', auth: 'namespace', body: 'fields',
      summary: 'Create (or regenerate) the OTP with this id and send its code.',
      doc: { fields: CREATE_FIELDS, data: ref('CreatedOtp'), errors: CREATE_ERRORS },
      input: (r) => ({ id: checkId(param(r, 'id')), request: parseCreateBody(r.body, r.isJson) }),
      handle: ({ id, request }, r) => service.create(r.namespace, id, request),
    }),
    defineRoute({
      name: 'verify', method: 'POST', path: '/api/otp/:id', auth: 'namespace', body: 'fields',
      summary: 'Verify the code the user typed (one attempt).',
      doc: { fields: VERIFY_FIELDS, data: ref('VerifiedOtp'), errors: ['not_found', 'incorrect_otp', 'attempts_exceeded'] },
      input: (r) => ({ key: keyOf(r), ...parseVerifyBody(r.body) }),
      handle: ({ key, otp, skipDelete }) => service.verify(key, otp, { skipDelete }),
    }),
    defineRoute({
      name: 'status', method: 'POST', path: '/api/otp/:id/status', auth: 'namespace', body: 'none',
      summary: 'The OTP when the user has verified it (with a fresh result token under [signing]), else 400 not_verified.',
      doc: { data: ref('VerifiedOtp'), errors: ['not_found', 'not_verified'] },
      input: keyOf,
      handle: (key) => service.status(key),
    }),
    defineRoute({
      name: 'confirm', method: 'DELETE', path: '/api/otp/:id/status', auth: 'namespace', body: 'none',
      summary: 'Like status, and deletes a verified OTP (one-shot confirmation).',
      doc: { data: ref('Otp'), errors: ['not_found', 'not_verified'] },
      input: keyOf,
      handle: (key) => service.confirm(key),
    }),
    defineRoute({
      name: 'cancel', method: 'DELETE', path: '/api/otp/:id', auth: 'namespace', body: 'none',
      summary: 'Delete the OTP whatever its state.',
      doc: { data: { const: true }, errors: ['not_found'] },
      input: keyOf,
      handle: (key) => service.cancel(key),
    }),
  ];
  let document: unknown;
  routes.push(defineRoute({
    name: 'openapi', method: 'GET', path: '/api/openapi.json', auth: 'none', body: 'none', answer: 'document',
    summary: 'This API as an OpenAPI 3.1 document (this document).',
    doc: { data: { type: 'object', required: ['openapi', 'info', 'paths'] }, errors: [] },
    input: () => undefined,
    handle: () => (document ??= apiDocument(routes)),
  }));
  return routes;
}

/** What a create can answer besides the errors of its auth, body and id (openapi.ts). */
const CREATE_ERRORS = ['attempts_exceeded', 'generate_limit', 'rate_limited', 'namespace_full', 'extra_too_large', 'delivery_failed'] as const;

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
