import ipaddr from 'ipaddr.js';
import { parseAddress } from '../config-fields';

/**
 * The embedded configuration used when no config file exists: memory store,
 * the `log` and `outbox` providers and a development namespace, listening on loopback only.
 * It is for trying the gateway, never for production; the server says so loudly.
 */
export const EMBEDDED_DEFAULTS = {
  app: { address: '127.0.0.1:9000', root_url: 'http://localhost:9000' },
  store: { backend: 'memory' },
  auth: { dev: { namespace: 'dev', secret: 'dev-secret' } },
  // The outbox stands in for an SMS gateway: the quick start reads the code from GET /api/outbox, as a user reads their phone.
  providers: { log: { enabled: true }, outbox: { enabled: true, channel_name: 'SMS' } },
};

/**
 * Why the embedded defaults must not listen on `address` (one sentence naming
 * `app.address` and how to configure), or undefined when it is loopback: their
 * secret is published and their log provider writes every code to the log.
 */
export function embeddedAddressProblem(address: string, variable: string | undefined): string | undefined {
  const host = parseAddress(address)?.host ?? '';
  if (isLoopback(host)) return undefined;
  const from = variable ? ` (set by the environment variable ${variable})` : '';
  return (
    `app.address: the embedded development defaults (namespace "dev" with the published secret "dev-secret", codes written to the log) ` +
    `listen on loopback only, got ${JSON.stringify(address)}${from}. To listen on other interfaces, configure the gateway: ` +
    'otpgateway --new-config > config.toml (or copy config.sample.toml), edit it, and start with --config config.toml.'
  );
}

function isLoopback(host: string): boolean {
  if (host.toLowerCase() === 'localhost') return true;
  try {
    return ipaddr.process(host).range() === 'loopback';
  } catch {
    return false;
  }
}
