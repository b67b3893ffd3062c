import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';

/**
 * Every `/api` answer a test gateway gives is checked against openapi.json (the
 * document GET /api/openapi.json serves) with Ajv, a JSON Schema 2020-12
 * validator (OpenAPI 3.1's dialect): the path and method must be a documented
 * operation (else the answer must be the documented 404 `no_route`), the status
 * one of its responses, the body JSON matching that response's schema. Mismatches
 * are collected and fail the test that caused them (tests/helpers/openapi-after-each.ts).
 */

type Json = Record<string, unknown>;

/** The document as committed (tests/http/openapi.test.ts checks it is what the gateway serves). */
export const OPENAPI_FILE = path.join(__dirname, '..', '..', 'openapi.json');
const document = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as { paths: Record<string, Record<string, Json>>; components: Json };

// Formats (`uri`) document; they are not what this check is about.
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
const validators = new Map<string, ValidateFunction>();

/** A validator for the schema at `pointer` in the document (its `#/components/…` references resolve). */
function validatorAt(pointer: string, schema: unknown): ValidateFunction {
  let validate = validators.get(pointer);
  if (!validate) {
    validate = ajv.compile({ $id: `https://otpgateway.test/${validators.size}`, components: document.components, allOf: [schema] });
    validators.set(pointer, validate);
  }
  return validate;
}

const operations = Object.entries(document.paths).map(([template, item]) => ({
  template,
  item,
  // Case-sensitive, an optional trailing slash, one segment per parameter: as the router matches.
  pattern: new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{\w+\}/g, '[^/]+')}/?$`),
}));

/** Why an answer does not match the document, or undefined when it does. */
export function openApiMismatch(method: string, url: string, status: number, contentType: string, body: string): string | undefined {
  const pathname = url.split('?')[0] ?? '';
  const found = operations.find((o) => o.pattern.test(pathname));
  const op = found?.item[method.toLowerCase()] as { responses?: Record<string, Json> } | undefined;
  let schema: unknown;
  let pointer: string;
  if (!found || !op) {
    pointer = '#/components/schemas/NoRoute';
    schema = { $ref: pointer };
    if (status !== 404) return `${method} ${pathname} is not in openapi.json, but answered ${status} (only 404 no_route is documented for it)`;
  } else {
    const response = op.responses?.[String(status)];
    if (!response) return `${method} ${found.template} answered ${status}, which openapi.json does not list (it lists ${Object.keys(op.responses ?? {}).join(', ')})`;
    pointer = `${method} ${found.template} ${status}`;
    schema = (response.content as Record<string, { schema: unknown }> | undefined)?.['application/json']?.schema;
  }
  if (!/^application\/json\b/.test(contentType)) return `${method} ${pathname} ${status} answered ${contentType || 'no Content-Type'}, not application/json`;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return `${method} ${pathname} ${status}: the body is not JSON: ${body.slice(0, 200)}`;
  }
  const validate = validatorAt(pointer, schema);
  if (validate(value)) return undefined;
  const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).slice(0, 8);
  return `${method} ${pathname} ${status} does not match openapi.json (${pointer}):\n  ${errors.join('\n  ')}\n  body: ${body.slice(0, 500)}`;
}

const mismatches: string[] = [];

/** The mismatches seen since the last call, emptied. */
export function takeOpenApiMismatches(): string[] {
  return mismatches.splice(0, mismatches.length);
}

/** `listener`, with every `/api` answer it writes checked against openapi.json. */
export function checkedAgainstOpenApi(listener: RequestListener): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '';
    if (url.startsWith('/api/') || url === '/api' || url.startsWith('/api?')) record(req, res);
    listener(req, res);
  };
}

function record(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  const keep = (chunk: unknown): void => {
    if (typeof chunk === 'string') chunks.push(Buffer.from(chunk));
    else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
  };
  let contentType = '';
  const { write, end, writeHead } = res;
  // envelope.ts passes its headers to writeHead, where getHeader() does not see them.
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    for (const arg of args) {
      if (typeof arg === 'object' && arg !== null && !Array.isArray(arg)) {
        for (const [name, value] of Object.entries(arg)) if (name.toLowerCase() === 'content-type') contentType = String(value);
      }
    }
    return Reflect.apply(writeHead, this, args) as ServerResponse;
  };
  res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    keep(chunk);
    return Reflect.apply(write, this, [chunk, ...rest]) as boolean;
  };
  res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
    if (typeof chunk !== 'function') keep(chunk);
    return Reflect.apply(end, this, [chunk, ...rest]) as ServerResponse;
  };
  res.once('finish', () => {
    const problem = openApiMismatch(req.method ?? '', req.url ?? '', res.statusCode, contentType || String(res.getHeader('content-type') ?? ''), Buffer.concat(chunks).toString('utf8'));
    if (problem) mismatches.push(problem);
  });
}
