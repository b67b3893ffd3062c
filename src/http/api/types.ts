import type { IncomingMessage, ServerResponse } from 'node:http';

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
  /** Parse the input, call the core, return the envelope's `data` (or a promise of it). */
  run(request: ApiRequest): unknown;
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

