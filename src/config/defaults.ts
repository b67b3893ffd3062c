/**
 * The embedded configuration used when no config file exists: memory store,
 * the `log` provider and a development namespace, listening on loopback only.
 * It is for trying the gateway, never for production; the server says so loudly.
 */
export const EMBEDDED_DEFAULTS = {
  app: { address: '127.0.0.1:9000', root_url: 'http://localhost:9000' },
  store: { backend: 'memory' },
  auth: { dev: { namespace: 'dev', secret: 'dev-secret' } },
  providers: { log: { enabled: true } },
};
