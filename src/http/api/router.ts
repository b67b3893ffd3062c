import { match as compile, type MatchFunction } from 'path-to-regexp';
import { AppError } from '../../errors';
import type { ApiMethod, ApiRequest, ApiRoute, RouteDoc } from './types';

/**
 * Matching of `/api` requests against the route table, with path-to-regexp
 * (the matcher Express uses): case-sensitive, an optional trailing slash,
 * parameters percent-decoded. Also `defineRoute`, which turns one row of the
 * table (input parser + handler) into a route.
 */

/** A matched request: its route, decoded path parameters and raw query string. */
export interface RouteMatch {
  route: ApiRoute;
  params: Readonly<Params>;
  search: string;
}

/** Path parameters by name (absent when an optional part did not match). */
export type Params = Partial<Record<string, string>>;

/** Build the matcher of a route table; it throws `no_route` (404) or `invalid_id` (broken percent-encoding). */
export function createRouter(routes: readonly ApiRoute[]): (method: string, url: string) => RouteMatch {
  const byMethod = new Map<string, { route: ApiRoute; match: MatchFunction<Params> }[]>();
  for (const route of routes) {
    const list = byMethod.get(route.method) ?? [];
    list.push({ route, match: compile<Params>(route.path, { sensitive: true }) });
    byMethod.set(route.method, list);
  }
  return (method, url) => {
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    for (const candidate of byMethod.get(method) ?? []) {
      let found: ReturnType<MatchFunction<Params>>;
      try {
        found = candidate.match(path);
      } catch {
        // decodeURIComponent refused a parameter (`%zz`, an overlong UTF-8 sequence).
        throw new AppError('invalid_id', 'The request URL contains broken percent-encoding.');
      }
      if (found) return { route: candidate.route, params: found.params, search: q < 0 ? '' : url.slice(q + 1) };
    }
    const shown = path.length > 200 ? `${path.slice(0, 200)}…` : path;
    throw new AppError('no_route', `There is no API route ${method} ${shown}. See the API reference in the README.`);
  };
}

/** One row of the route table, before it is compiled into a route. */
export interface RouteSpec<I> {
  name: ApiRoute['name'];
  method: ApiMethod;
  path: string;
  auth: ApiRoute['auth'];
  body: ApiRoute['body'];
  summary: string;
  /** Default `envelope`. */
  answer?: ApiRoute['answer'];
  /** Its OpenAPI description: body fields, the schema of `data`, its own errors. */
  doc: RouteDoc;
  /** Parse and validate what the handler needs (path, query, body); throws `invalid_*` errors. */
  input: (request: ApiRequest) => I;
  /** Call the core; what it returns is the envelope's `data`. */
  handle: (input: I, request: ApiRequest) => unknown;
}

/** A route from its row: the input parser runs first, then the handler. */
export function defineRoute<I>(spec: RouteSpec<I>): ApiRoute {
  const { input, handle, answer = 'envelope', ...row } = spec;
  // No async wrapper: the pipeline awaits what `run` returns (a handler's promise, or a value) and catches what it throws.
  return { ...row, answer, run: (request) => handle(input(request), request) };
}
