import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from '../log/logger';
import type { OtpService } from '../otp/service';
import type { Jwks } from '../signing/result-token';
import { jwksRoute } from './jwks';
import { pageHeaders } from '../security/headers';
import type { PageSettings } from './pages/flow';
import type { Outbox } from '../outbox/outbox';
import type { Tenant } from './api/authenticate';
import { homePage } from './pages/home-page';
import { outboxPage } from './pages/outbox-page';
import { pageRoutes } from './pages/routes';
import { createViewRenderer } from './pages/views';
import { staticAssets } from './static-assets';

/** What the browser-facing surfaces are built from. */
export interface WebDeps {
  service: OtpService;
  logger: Logger;
  pages: PageSettings;
  /** Run before every page load and form POST (the per-client rate limit). */
  pageGuards: readonly RequestHandler[];
  /** `app.trusted_proxies`: addresses/CIDRs whose X-Forwarded-For is believed (client IP for rate limits). */
  trustedProxies: readonly string[];
  /** The outbox, when the `outbox` provider is enabled: `/outbox/<namespace>` shows it. */
  outbox?: Outbox;
  /** The namespaces and secrets (the outbox page signs in like the API). */
  tenants: readonly Tenant[];
  /** Told of every answer: a fixed route label (`page`, `static`), the status and the seconds it took. */
  observe?: (route: string, status: number, seconds: number) => void;
  /** The result tokens' public keys (`[signing]`); absent: no JWKS route. */
  jwks?: Jwks;
}

/**
 * The Express app of the browser-facing surfaces: `/static` (otp.js, styles)
 * and the public pages, each with its own headers and its own answer for
 * anything it does not know. `/api` never reaches it (app.ts).
 */
export function createWebApp(deps: WebDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('trust proxy', deps.trustedProxies.length > 0 ? [...deps.trustedProxies] : false);
  if (deps.observe) app.use(observe(deps.observe));
  app.use('/static', staticAssets());
  const render = createViewRenderer();
  const branding = { render, rootUrl: deps.pages.rootUrl, faviconUrl: deps.pages.faviconUrl, logoUrl: deps.pages.logoUrl };
  app.get('/', pageHeaders, homePage(branding));
  if (deps.outbox) app.get('/outbox/:ns', pageHeaders, outboxPage({ ...branding, outbox: deps.outbox, tenants: deps.tenants }));
  if (deps.jwks) app.get('/.well-known/jwks.json', jwksRoute(deps.jwks));
  app.use(pageHeaders, pageRoutes({ service: deps.service, logger: deps.logger, settings: deps.pages, guards: deps.pageGuards }));
  return app;
}

function observe(record: NonNullable<WebDeps['observe']>): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const route = req.path.startsWith('/static/') ? 'static' : 'page';
    res.once('finish', () => record(route, res.statusCode, Number(process.hrtime.bigint() - started) / 1e9));
    next();
  };
}
