import { ERROR_CATALOG, type ErrorCode } from '../../errors';
import { VERSION } from '../../version';
import { COMPONENT_SCHEMAS, ERROR_DATA, PATH_PARAMETERS } from './schemas';
import type { ApiRoute, FieldDoc, JsonSchema } from './types';

/**
 * The OpenAPI 3.1 document of the `/api` surface, generated from the route table
 * (routes.ts: each row's method, path, auth, body and `doc`), the error catalog
 * (errors.ts) and the response schemas (schemas.ts), so that it cannot drift from
 * what the pipeline serves. `GET /api/openapi.json` answers it; openapi.json in
 * the repository is the same document (`npm run openapi` writes it).
 */

/** Errors every route can answer, by what it is made of. */
function impliedErrors(route: ApiRoute): ErrorCode[] {
  const codes: ErrorCode[] = [];
  if (route.auth === 'namespace') codes.push('unauthorized', 'rate_limited', 'store_unavailable');
  if (route.body === 'fields') codes.push('invalid_body', 'payload_too_large', 'unsupported_media_type', 'invalid_field');
  if (route.path.includes(':id')) codes.push('invalid_id');
  codes.push('internal');
  return codes;
}

/** The error envelope of one code: `{"status":"error","code":…,"message":…,"data"?:…}`. */
function errorSchema(code: ErrorCode): JsonSchema {
  const data = ERROR_DATA[code];
  return {
    type: 'object',
    properties: { status: { const: 'error' }, code: { const: code }, message: { type: 'string', minLength: 1 }, ...(data ? { data } : {}) },
    required: ['status', 'code', 'message'],
    additionalProperties: false,
  };
}

const json = (schema: JsonSchema): JsonSchema => ({ 'application/json': { schema } });

/** The error answers of a route, one per status, each a `oneOf` of its codes' envelopes. */
function errorResponses(codes: readonly ErrorCode[]): Record<string, JsonSchema> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = ERROR_CATALOG[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, JsonSchema> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    const headers: Record<string, JsonSchema> = { 'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' } };
    if (status === 429 || status === 503) headers['Retry-After'] = { $ref: '#/components/headers/Retry-After' };
    if (status === 401) headers['WWW-Authenticate'] = { $ref: '#/components/headers/WWW-Authenticate' };
    responses[String(status)] = {
      description: list.map((code) => `\`${code}\`: ${ERROR_CATALOG[code].meaning}`).join('\n\n'),
      headers,
      content: json(list.length === 1 ? errorSchema(list[0] as ErrorCode) : { oneOf: list.map(errorSchema) }),
    };
  }
  return responses;
}

/** A body's fields as one object schema, in JSON or as form fields (text). */
function bodySchema(fields: readonly FieldDoc[], form: boolean): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const field of fields) properties[field.name] = { description: field.description, ...(form ? field.form ?? { type: 'string' } : field.json) };
  return { type: 'object', properties, required: fields.filter((f) => f.required).map((f) => f.name) };
}

function operation(route: ApiRoute): JsonSchema {
  const { doc } = route;
  const params = [
    ...[...route.path.matchAll(/:(\w+)/g)].map(([, name]) => ({ name, in: 'path', required: true, ...PATH_PARAMETERS[name ?? ''] })),
    ...(doc.query ?? []).map((field) => ({ name: field.name, in: 'query', required: false, description: field.description, schema: field.json })),
  ];
  const data = route.answer === 'document' ? doc.data : { type: 'object', properties: { status: { const: 'success' }, data: doc.data }, required: ['status', 'data'], additionalProperties: false };
  return {
    operationId: doc.operationId ?? route.name,
    summary: route.summary,
    ...(doc.description ? { description: doc.description } : {}),
    security: route.auth === 'namespace' ? [{ namespace: [] }] : [],
    ...(params.length ? { parameters: params } : {}),
    ...(doc.fields
      ? { requestBody: { required: false, content: { 'application/json': { schema: bodySchema(doc.fields, false) }, 'application/x-www-form-urlencoded': { schema: bodySchema(doc.fields, true) } } } }
      : {}),
    responses: {
      200: { description: 'Done.', headers: { 'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' } }, content: json(data) },
      ...errorResponses([...impliedErrors(route), ...doc.errors]),
    },
  };
}

/** `/api/otp/:id` → `/api/otp/{id}`. */
export function openApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}');
}

/** The OpenAPI 3.1 document of a route table. */
export function apiDocument(routes: readonly ApiRoute[]): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const item = (paths[openApiPath(route.path)] ??= {});
    item[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'otpgateway API',
      version: VERSION,
      description:
        'Create one-time codes, deliver them through a provider and verify what the user typed. Every answer except this ' +
        'document is JSON in one envelope: `{"status":"success","data":…}` or `{"status":"error","code":…,"message":…,"data"?:…}`; ' +
        'the `code` of an error is stable. An unknown route answers 404 `no_route` with the same envelope.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    paths,
    components: {
      schemas: { ...COMPONENT_SCHEMAS, NoRoute: errorSchema('no_route') },
      securitySchemes: { namespace: { type: 'http', scheme: 'basic', description: 'User: the namespace; password: its secret (`[auth.*]` in the config).' } },
      headers: {
        'X-Request-Id': { description: 'The request id, also in every log line of the request.', schema: { type: 'string' } },
        'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 0 } },
        'WWW-Authenticate': { description: 'The Basic challenge: `Basic realm="otpgateway"`.', schema: { type: 'string' } },
      },
    },
  };
}
