import type { Config } from './schema';

/**
 * What a config that loads can still lack to be of any use: a namespace (every
 * API call is a 401 without one) or an enabled provider (every create is a 400).
 * A container started with nothing configured is the usual case; the CLI logs
 * each sentence as a warning at start.
 */
export function missingEssentials(config: Config): string[] {
  const missing: string[] = [];
  if (Object.keys(config.auth).length === 0) {
    missing.push(
      'NO NAMESPACE IS CONFIGURED: every API call will answer 401. Add an [auth.NAME] table with namespace and secret ' +
        '(or set OTP_GATEWAY_AUTH__NAME__NAMESPACE and OTP_GATEWAY_AUTH__NAME__SECRET).',
    );
  }
  const providers = [...Object.values(config.providers), ...Object.values(config.webhooks)];
  if (!providers.some((table) => table?.enabled === true)) {
    missing.push(
      'NO PROVIDER IS ENABLED: every create will answer 400 (unknown provider). Set enabled = true in a [providers.ID] or ' +
        '[webhooks.NAME] table (or e.g. OTP_GATEWAY_PROVIDERS__SMTP__ENABLED=true with its host and from_email).',
    );
  }
  return missing;
}
