import http from 'node:http';
import https from 'node:https';
import type { Logger } from '../log/logger';
import { ProviderSetupError } from './provider';

/**
 * What the AWS providers (pinpoint_sms, aws_sms) share: the credential rules,
 * a pooled request handler bounded by the provider's timeout, and the SDK's
 * errors and warnings as one log line.
 */

/** Static credentials when both keys are set; undefined (the SDK's default chain) when neither; a setup error for one alone. */
export function awsCredentials(config: { access_key: string; secret_key: string }): { accessKeyId: string; secretAccessKey: string } | undefined {
  if (config.access_key !== '' && config.secret_key === '') throw new ProviderSetupError('secret_key', 'required when access_key is set');
  if (config.secret_key !== '' && config.access_key === '') throw new ProviderSetupError('access_key', 'required when secret_key is set');
  return config.access_key ? { accessKeyId: config.access_key, secretAccessKey: config.secret_key } : undefined;
}

/** The client options every AWS provider uses: no SDK retries, pooled sockets, the provider's timeout. */
export function awsClientOptions(config: { max_conns: number; timeout: number }, logger: Logger): {
  maxAttempts: number;
  requestHandler: Record<string, unknown>;
} {
  // Under Node < 22 (Node 20, still tested) the SDK warns on every start that its releases after January 2027
  // need Node 22: about its future releases, not this pinned one. The Node 24 we ship does not trigger it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return {
    // No SDK retries: a retried send can text the same code twice, and the provider's
    // timeout bounds the whole delivery; the user can ask for a resend (or a route tries the next provider).
    maxAttempts: 1,
    requestHandler: {
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: config.max_conns }),
      httpsAgent: new https.Agent({ keepAlive: true, maxSockets: config.max_conns }),
      connectionTimeout: config.timeout,
      requestTimeout: config.timeout,
      // Without this the SDK only prints a warning when requestTimeout passes.
      throwOnRequestTimeout: true,
      // The handler's own warnings (e.g. every pooled socket busy) go to our log, not to the console.
      logger: sdkLogger(logger),
    },
  };
}

/** The SDK's logger interface over ours: warnings and errors kept (first line), chatter dropped. */
function sdkLogger(logger: Logger): { debug(): void; info(): void; warn(...content: unknown[]): void; error(...content: unknown[]): void } {
  const firstLine = (content: unknown[]): string => String(content[0] ?? '').split('\n')[0] ?? '';
  return {
    debug() {},
    info() {},
    warn: (...content) => logger.warn(`aws sdk: ${firstLine(content)}`),
    error: (...content) => logger.error(`aws sdk: ${firstLine(content)}`),
  };
}

/** The SDK error's name, HTTP status and message, for the log. */
export function describeSdkError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (err.name === 'AbortError' || err.name === 'TimeoutError') return 'no answer in time';
  return `${err.name}${status ? ` (HTTP ${status})` : ''}: ${err.message}`;
}
