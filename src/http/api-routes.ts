import express, { type Request, type RequestHandler, type Response, Router } from 'express';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { OtpService } from '../otp/service';
import { withTimeout } from '../timeout';
import type { ProviderRegistry } from '../providers/registry';
import type { OtpKey, Store } from '../store/store';
import { apiAuth, type Tenant } from './auth';
import { sendData, sendError } from './envelope';
import { apiErrorHandler } from './error-handler';
import { checkId, parseCreateBody, parseVerifyBody } from './inputs';
import { API_BODY_LIMIT_BYTES, API_FORM_PARAMETER_LIMIT } from './request-body';

/** What the `/api` surface needs. */
export interface ApiDeps {
  service: OtpService;
  store: Store;
  providers: ProviderRegistry;
  tenants: readonly Tenant[];
  logger: Logger;
  /** Extra middleware run after auth on every authenticated route (rate limits). */
  afterAuth?: RequestHandler[];
}


const HEALTH_TIMEOUT_MS = 2000;

/** The `/api` route table. Handlers translate HTTP to lifecycle calls and results to the envelope. */
export function apiRouter(deps: ApiDeps): Router {
  const { service } = deps;
  const router = Router();
  router.use(noStore);

  router.get('/health', async (_req, res) => {
    try {
      await withTimeout(deps.store.ping(), HEALTH_TIMEOUT_MS, 'store ping');
      sendData(res, 'OK');
    } catch {
      sendError(res, 503, 'The store is not answering. Check the Redis connection.');
    }
  });

  // Every authenticated route runs: Basic auth → extra guards (rate limits) → body parsers → handler.
  const authed: RequestHandler[] = [
    ...apiAuth(deps.tenants),
    ...(deps.afterAuth ?? []),
    express.json({ limit: API_BODY_LIMIT_BYTES, strict: false }),
    express.urlencoded({ extended: false, limit: API_BODY_LIMIT_BYTES, parameterLimit: API_FORM_PARAMETER_LIMIT }),
  ];

  const create: RequestHandler = async (req, res) => {
    const id = req.params.id === undefined ? undefined : checkId(String(req.params.id));
    const request = parseCreateBody(req.body, Boolean(req.is('application/json')));
    sendData(res, await service.create(namespaceOf(res), id, request));
  };

  router.get('/providers', ...authed, (_req, res) => sendData(res, deps.providers.ids));
  router.put('/otp', ...authed, create);
  router.put('/otp/:id', ...authed, create);
  router.post('/otp/:id', ...authed, async (req, res) => {
    const key = keyOf(req, res);
    const { otp, skipDelete } = parseVerifyBody(req.body);
    sendData(res, await service.verify(key, otp, { skipDelete }));
  });
  router.post('/otp/:id/status', ...authed, async (req, res) => sendData(res, await service.status(keyOf(req, res))));
  router.delete('/otp/:id/status', ...authed, async (req, res) => sendData(res, await service.confirm(keyOf(req, res))));
  router.delete('/otp/:id', ...authed, async (req, res) => sendData(res, await service.cancel(keyOf(req, res))));

  router.use((req: Request) => {
    throw new AppError({
      status: 404,
      code: 'no_such_route',
      message: `There is no API route ${req.method} ${req.baseUrl}${req.path}. See the API reference in the README.`,
    });
  });
  router.use(apiErrorHandler(deps.logger));
  return router;
}

const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};

function namespaceOf(res: Response): string {
  return res.locals.namespace as string;
}

function keyOf(req: Request, res: Response): OtpKey {
  return { namespace: namespaceOf(res), id: checkId(String(req.params.id)) };
}
