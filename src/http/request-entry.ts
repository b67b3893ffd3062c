import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Express } from 'express';
import type { GatewayMetrics } from '../metrics/metrics';
import { fastRouteOf, type FastPath } from './request-fast-path';
import { requestIdOf, runWithRequestId } from './request-context';

/** What runs in front of Express for every request. */
export interface RequestEntryOptions {
  fastPath: FastPath;
  metrics: GatewayMetrics;
  /** Answers `/metrics` on this port (metrics enabled and no address of their own), else undefined. */
  metricsEndpoint?: (req: IncomingMessage, res: ServerResponse) => void;
}

type Handle = (req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void) => void;

/**
 * Put the request entry in front of the Express app: request id, HTTP
 * metrics, `/metrics`, then the API fast path, and Express for the rest.
 * It wraps `app.handle` (what the app function calls), so `app.listen`,
 * `http.createServer(app)` and supertest all go through it.
 */
export function installRequestEntry(app: Express, options: RequestEntryOptions): void {
  const target = app as unknown as { handle: Handle };
  const express = target.handle.bind(app);
  const { fastPath, metrics, metricsEndpoint } = options;
  const timed = metrics.registry !== undefined;

  target.handle = (req, res, next) => {
    const id = requestIdOf(req);
    runWithRequestId(id, () => {
      if (timed) observe(metrics, req, res);
      if (fastPath(req, res, id)) return;
      res.setHeader('X-Request-Id', id);
      if (metricsEndpoint && req.url === '/metrics') return metricsEndpoint(req, res);
      express(req, res, next);
    });
  };
}

function observe(metrics: GatewayMetrics, req: IncomingMessage, res: ServerResponse): void {
  const start = process.hrtime.bigint();
  res.once('finish', () => {
    const route = fastRouteOf(req.method, req.url) ?? (req.url?.startsWith('/api/') ? 'api_other' : 'other');
    metrics.httpRequest(route, res.statusCode, Number(process.hrtime.bigint() - start) / 1e9);
  });
}
