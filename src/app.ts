import express, { type Express } from 'express';
import { apiRouter, type ApiDeps } from './http/api-routes';

/** What the HTTP app is built from; see gateway.ts for how these are made from config. */
export type AppDeps = ApiDeps;

/** Build the Express app: middleware, route tables, error handlers. Never listens. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('trust proxy', false);
  app.use('/api', apiRouter(deps));
  return app;
}
