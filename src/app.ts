import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { authenticate, type Tenant } from './http/api/authenticate';
import { readBody } from './http/api/body';
import { createApiPipeline } from './http/api/pipeline';
import { apiRoutes, type ApiDeps } from './http/api/routes';
import type { ApiStep } from './http/api/types';
import type { PageSettings } from './http/pages/flow';
import { createWebApp } from './http/web';
import { runAnswering } from './events/after-answer';
import { requestIdOf, runWithRequestId } from './log/request-context';
import type { Logger } from './log/logger';
import { NO_METRICS, type GatewayMetrics } from './metrics/metrics';
import type { Jwks } from './signing/result-token';

/** What the HTTP app is built from; see gateway.ts for how these are made from config. */
export interface AppDeps extends ApiDeps {
  tenants: readonly Tenant[];
  logger: Logger;
  /** Branding and per-namespace embedding rules of the public pages. */
  pages: PageSettings;
  /** Steps after auth on every authenticated API route (the per-namespace rate limit). */
  apiGuards?: readonly ApiStep[];
  /** Middleware before public page loads and form POSTs (the per-client rate limit). */
  pageGuards?: readonly RequestHandler[];
  /** `app.trusted_proxies`: addresses/CIDRs whose X-Forwarded-For is believed (client IP for rate limits). */
  trustedProxies?: readonly string[];
  /** Prometheus metrics; default: off. */
  metrics?: GatewayMetrics;
  /** Answers `GET /metrics` on the app's own port when `[metrics]` has no address of its own. */
  metricsEndpoint?: RequestListener;
  /** The result tokens' public keys, served at `/.well-known/jwks.json` (`[signing]`). */
  jwks?: Jwks;
}

/**
 * The gateway's HTTP request listener; it never listens (cli.ts does). Every
 * request gets a request id (echoed as X-Request-Id, carried by its log
 * lines), then goes to exactly one surface:
 *
 *   /api/…    the API pipeline: match → auth → guards → body → input → handler → envelope
 *   /metrics  the Prometheus endpoint, when served on this port
 *   anything  the web app (Express): /static, /.well-known/jwks.json, then the pages and their 404
 */
export function createApp(deps: AppDeps): RequestListener {
  const metrics = deps.metrics ?? NO_METRICS;
  const observe = metrics.registry ? metrics.httpRequest : undefined;
  const api = createApiPipeline({
    routes: apiRoutes(deps),
    steps: [
      authenticate(deps.tenants), // 401 unless the route is public or Basic namespace:secret matches
      ...(deps.apiGuards ?? []), //  429 when the namespace is over its API limit
      readBody, //                   413 / 415 / 400, else the JSON value or form fields
    ],
    logger: deps.logger,
    observe,
  });
  const web = createWebApp({
    service: deps.service,
    logger: deps.logger,
    pages: deps.pages,
    pageGuards: deps.pageGuards ?? [],
    outbox: deps.outbox,
    tenants: deps.tenants,
    trustedProxies: deps.trustedProxies ?? [],
    observe,
    jwks: deps.jwks,
  });
  const metricsEndpoint = deps.metricsEndpoint;

  return (req: IncomingMessage, res: ServerResponse) => {
    const id = requestIdOf(req);
    // Event webhooks queued by this request start once its answer is written.
    runAnswering(res, () => runWithRequestId(id, () => {
      const url = req.url ?? '/';
      // Case-sensitive, like the API routes: `/API/…` is not the API and gets the web surface's answer.
      if (url.startsWith('/api/') || url === '/api' || url.startsWith('/api?')) return api(req, res, id);
      res.setHeader('X-Request-Id', id);
      if (metricsEndpoint && url === '/metrics') return metricsEndpoint(req, res);
      web(req, res);
    }));
  };
}
