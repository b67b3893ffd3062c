import express, { type Express, type RequestHandler } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiRouter, type ApiDeps } from './http/api-routes';
import { installRequestEntry } from './http/request-entry';
import { createFastPath } from './http/request-fast-path';
import { recordHeaders } from './http/request-headers';
import { NO_METRICS, type GatewayMetrics } from './metrics/metrics';
import { pageRouter, staticAssets, type PageSettings } from './http/page-routes';
import { securityHeaders } from './security/headers';
import { lastResort } from './security/last-resort';

/** What the HTTP app is built from; see gateway.ts for how these are made from config. */
export type AppDeps = ApiDeps & {
  /** Branding and per-namespace embedding rules of the public pages; defaults: no branding, any origin. */
  pages?: PageSettings;
  /** Middleware run before public page loads and form POSTs (rate limits). */
  pageGuards?: RequestHandler[];
  /** `app.trusted_proxies`: addresses/CIDRs whose X-Forwarded-For is believed (client IP for rate limits). */
  trustedProxies?: readonly string[];
  /** Prometheus metrics (HTTP latency is recorded in front of Express); default: off. */
  metrics?: GatewayMetrics;
  /** Answers `GET /metrics` on the app's own port when `[metrics]` has no address of its own. */
  metricsEndpoint?: (req: IncomingMessage, res: ServerResponse) => void;
  /** false: answer every API call through Express (tests compare both paths); default: on. */
  fastPath?: boolean;
};

/** Build the Express app: middleware, route tables, error handlers. Never listens. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('trust proxy', deps.trustedProxies?.length ? [...deps.trustedProxies] : false);
  app.use(securityHeaders());
  app.use('/api', apiRouter(deps));
  app.use('/static', staticAssets());
  const pages = deps.pages ?? { rootUrl: '', logoUrl: '', faviconUrl: '', namespaces: new Map(deps.tenants.map((t) => [t.namespace, []])) };
  app.use(pageRouter({ service: deps.service, logger: deps.logger, pages, guards: deps.pageGuards }));
  app.use(lastResort(deps.logger));
  // Request id, metrics and the API fast path run in front of Express (see request-entry.ts).
  const fastPath = createFastPath({
    service: deps.service,
    tenants: deps.tenants,
    logger: deps.logger,
    enabled: deps.fastPath !== false && !deps.afterAuth?.length,
    headers: recordHeaders(securityHeaders(), '/api/otp'),
  });
  installRequestEntry(app, { fastPath, metrics: deps.metrics ?? NO_METRICS, metricsEndpoint: deps.metricsEndpoint });
  return app;
}
