import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { contentType } from 'prom-client';
import { parseAddress } from '../config-fields';
import { errorMessage } from '../errors';
import { basicCredentials, secretMatcher } from '../security/credentials';
import { METRICS_HEADERS } from '../security/headers';

/** How the `/metrics` endpoint gets its text and who may read it. */
export interface MetricsEndpointOptions {
  /** The Prometheus text: one registry, or the aggregate of every cluster worker. */
  collect(): Promise<string>;
  /** Basic auth credentials; both empty = no auth. */
  username: string;
  password: string;
}

/** A node:http handler answering `GET /metrics` (and 404 for anything else). */
export function metricsHandler(options: MetricsEndpointOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const matches = options.username ? secretMatcher(new Map([[options.username, options.password]])) : undefined;
  const authorized = (req: IncomingMessage): boolean => !matches || matches(basicCredentials(req.headers.authorization));
  return (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, METRICS_HEADERS).end('Not found. Metrics are at GET /metrics.\n');
      return;
    }
    if (!authorized(req)) {
      res.writeHead(401, { ...METRICS_HEADERS, 'WWW-Authenticate': 'Basic realm="otpgateway metrics"' });
      res.end('Invalid or missing credentials: use the [metrics] username and password.\n');
      return;
    }
    options.collect().then(
      (text) => {
        res.writeHead(200, { ...METRICS_HEADERS, 'Content-Type': contentType });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (err: unknown) => {
        res.writeHead(503, METRICS_HEADERS);
        res.end(`Metrics are unavailable: ${errorMessage(err)}\n`);
      },
    );
  };
}

/** Serve `GET /metrics` on `[metrics] address` (a port of its own) behind its credentials; resolves once listening. */
export function serveMetrics(settings: { address: string; username: string; password: string }, collect: () => Promise<string>): Promise<Server> {
  const { host, port } = parseAddress(settings.address) ?? { host: '127.0.0.1', port: 9100 };
  const server = http.createServer(metricsHandler({ collect, username: settings.username, password: settings.password }));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
