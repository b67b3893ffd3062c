import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorCode } from '../../errors';

/** The shapes the `/api` pipeline (pipeline.ts), its steps and its route table (routes.ts) share. */

/** HTTP methods the API uses. */
export type ApiMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

/** One row of the route table. */
export interface ApiRoute {
  /** A fixed label for logs and metrics (one of routes.ts's API_ROUTE_NAMES). */
  readonly name: string;
  readonly method: ApiMethod;
  /** path-to-regexp syntax, matched case-sensitively: `/api/otp/:id`. */
  readonly path: string;
  /** `namespace`: HTTP Basic credentials of a namespace required; `none`: public. */
  readonly auth: 'namespace' | 'none';
  /** `fields`: the body is read (JSON or form fields, 64 KiB); `none`: any body is ignored. */
  readonly body: 'fields' | 'none';
  /** One line for the API reference. */
  readonly summary: string;
  /** `envelope`: `{"status":"success","data":…}`; `document`: the handler's value is the whole body (the OpenAPI document). */
  readonly answer: 'envelope' | 'document';
  /** What the OpenAPI document says of the route besides the above (openapi.ts). */
  readonly doc: RouteDoc;
  /** Parse the input, call the core, return the envelope's `data` (or a promise of it). */
  run(request: ApiRequest): unknown;
}

/** A JSON Schema (2020-12, as OpenAPI 3.1 uses it). */
export type JsonSchema = { readonly [keyword: string]: unknown };

/** One field of a request body, for the OpenAPI document. */
export interface FieldDoc {
  readonly name: string;
  readonly required?: boolean;
  readonly description: string;
  /** Its schema in a JSON body. */
  readonly json: JsonSchema;
  /** Its schema as a form field (text); default: any text. */
  readonly form?: JsonSchema;
}

/** The OpenAPI description of a route, next to its row in routes.ts. */
export interface RouteDoc {
  /** Unique over the table; default: the route's name. */
  readonly operationId?: string;
  readonly description?: string;
  /** The query parameters (their `json` schema is the parameter's). */
  readonly query?: readonly FieldDoc[];
  /** The fields of the body (routes with `body: 'fields'`). */
  readonly fields?: readonly FieldDoc[];
  /** The schema of the 200 answer's `data` (of the whole body for `answer: 'document'`). */
  readonly data: JsonSchema;
  /**
   * The errors its input parser and handler can answer. Those of its auth (unauthorized,
   * rate_limited, store_unavailable), its body (invalid_body, payload_too_large,
   * unsupported_media_type, invalid_field), an `:id` in its path (invalid_id) and `internal`
   * are added by openapi.ts.
   */
  readonly errors: readonly ErrorCode[];
}

/** One `/api` request as it moves down the pipeline; steps fill in what they establish. */
export interface ApiRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly requestId: string;
  readonly route: ApiRoute;
  /** Path parameters, percent-decoded (`:id`). */
  readonly params: Readonly<Partial<Record<string, string>>>;
  /** The raw query string after `?` ("" when none). */
  readonly search: string;
  /** The authenticated namespace ("" on routes without auth). */
  namespace: string;
  /** The parsed body: JSON value or form fields; undefined when the route reads none or none came. */
  body: unknown;
  /** True when the body came as JSON (typed values) rather than form fields (all text). */
  isJson: boolean;
}

/** One step of the pipeline: establishes something on the request or throws an AppError. */
export type ApiStep = (request: ApiRequest) => void | Promise<void>;

