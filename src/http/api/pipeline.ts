import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../log/logger';
import { logError, toAppError } from '../classify-error';
import { sendData, sendDocument, sendError } from './envelope';
import { createRouter } from './router';
import type { ApiRequest, ApiRoute, ApiStep } from './types';

/**
 * The one pipeline that answers every `/api` request, in plain node:http
 * (Express costs ~5/6 of this machine's throughput on the hot path; see
 * docs/benchmarks.md). A request goes:
 *
 *   match (method + path → a route of the table, else 404 `no_route`)
 *   → each step in order (app.ts lists them: auth, guards, body)
 *   → the route's input parser and handler (routes.ts)
 *   → the envelope (envelope.ts), for the answer and for every error.
 */

/** The pipeline as a request handler; the request id is echoed as `X-Request-Id`. */
export type ApiHandler = (req: IncomingMessage, res: ServerResponse, requestId: string) => void;

/** What a pipeline is made of. */
export interface ApiPipelineOptions {
  routes: readonly ApiRoute[];
  steps: readonly ApiStep[];
  logger: Logger;
  /** Told of every answer: the route's name (a fixed set), the status and the seconds it took. */
  observe?: (route: string, status: number, seconds: number) => void;
}

/** Build the `/api` handler from the route table and the steps. */
export function createApiPipeline(options: ApiPipelineOptions): ApiHandler {
  const match = createRouter(options.routes);
  const { steps, logger, observe } = options;

  const serve = async (req: IncomingMessage, res: ServerResponse, requestId: string, started: bigint): Promise<void> => {
    let routeName = 'no_route';
    try {
      const found = match(req.method ?? '', req.url ?? '');
      routeName = found.route.name;
      const request: ApiRequest = { req, res, requestId, route: found.route, params: found.params, search: found.search, namespace: '', body: undefined, isJson: false };
      for (const step of steps) {
        const pending = step(request);
        if (pending !== undefined) await pending;
      }
      const data = await found.route.run(request);
      if (found.route.answer === 'document') sendDocument(res, requestId, data);
      else sendData(res, requestId, data);
    } catch (err) {
      const appError = toAppError(err);
      logError(logger, { method: req.method ?? '', path: req.url ?? '', route: routeName }, appError, err);
      if (!res.headersSent) sendError(res, requestId, appError);
      else res.end();
    }
    observe?.(routeName, res.statusCode, Number(process.hrtime.bigint() - started) / 1e9);
  };

  return (req, res, requestId) => {
    void serve(req, res, requestId, observe ? process.hrtime.bigint() : 0n);
  };
}
