import { AppError } from '../../errors';
import type { Channels } from '../../otp/channels';
import type { OtpService } from '../../otp/service';
import type { OtpKey } from '../../store/store';
import type { Store } from '../../store/store';
import { withTimeout } from '../../timeout';
import { checkId, CREATE_FIELDS, parseCreateBody, parseVerifyBody, VERIFY_FIELDS } from './inputs';
import { waitForMessages, type Outbox, type OutboxMessage } from '../../outbox/outbox';
import { apiDocument } from './openapi';
import { OUTBOX_QUERY, parseOutboxQuery, type OutboxQuery } from './outbox-query';
import { ref } from './schemas';
import { defineRoute } from './router';
import type { ApiRequest, ApiRoute } from './types';

/** What the `/api` routes call. */
export interface ApiDeps {
  service: OtpService;
  store: Store;
  channels: Channels;
  /** The outbox, when the `outbox` provider is enabled (else its routes answer 404). */
  outbox?: Outbox;
}

const HEALTH_TIMEOUT_MS = 2000;

/** The names of the routes below: the bounded `route` label of logs and metrics. */
export const API_ROUTE_NAMES = ['health', 'providers', 'create', 'verify', 'status', 'confirm', 'cancel', 'openapi', 'outbox', 'outbox_clear'] as const;

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
    defineRoute({
      name: 'outbox', method: 'GET', path: '/api/outbox', auth: 'namespace', body: 'none',
      summary: 'The messages the outbox provider kept for this namespace, newest first; `wait` long-polls for the first.',
      doc: { query: OUTBOX_QUERY, data: { type: 'array', items: ref('OutboxMessage') }, errors: ['invalid_field', 'no_route'] },
      input: (r) => parseOutboxQuery(r.search),
      handle: (query, r) => readOutbox(deps, r, query),
    }),
    defineRoute({
      name: 'outbox_clear', method: 'DELETE', path: '/api/outbox', auth: 'namespace', body: 'none',
      summary: 'Empty this namespace\'s outbox.',
      doc: { data: { const: true }, errors: ['no_route'] },
      input: () => undefined,
      handle: async (_input, r) => {
        await enabledOutbox(deps).clear(r.namespace);
        return true;
      },
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
const CREATE_ERRORS = ['attempts_exceeded', 'generate_limit', 'rate_limited', 'namespace_full', 'extra_too_large', 'delivery_failed', 'country_not_allowed'] as const;

/** The outbox, or 404 when no `outbox` provider is enabled. */
function enabledOutbox(deps: ApiDeps): Outbox {
  if (!deps.outbox) throw new AppError('no_route', 'The outbox is not enabled: set [providers.outbox] enabled = true to keep messages for GET /api/outbox.');
  return deps.outbox;
}

/** The namespace's messages; with `wait`, long-polls until one matches (ends early when the client goes away). */
async function readOutbox(deps: ApiDeps, r: ApiRequest, query: OutboxQuery): Promise<OutboxMessage[]> {
  const outbox = enabledOutbox(deps);
  const to = query.filter.to;
  // `to` as the user typed it finds the message kept under the provider's normalised form.
  const checked = to === undefined ? undefined : deps.channels.get('outbox')?.validateAddress(to);
  const filter = { ...query.filter, to: checked?.ok ? checked.address : to };
  if (query.waitSeconds === 0) return outbox.list(r.namespace, filter);
  const gone = new AbortController();
  const abort = (): void => gone.abort();
  r.res.once('close', abort);
  try {
    return await waitForMessages(outbox, r.namespace, filter, { timeoutMs: query.waitSeconds * 1000, signal: gone.signal });
  } finally {
    r.res.off('close', abort);
  }
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
