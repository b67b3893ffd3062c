import { EMBEDDED_DEFAULTS } from './defaults';

/**
 * Namespace secrets that must not start a server: short ones (guessable
 * online, since the API answers every guess) and the published placeholders
 * of the sample configs (ours and the Go otpgateway's). The embedded
 * development defaults keep their own published secret: they only ever listen
 * on loopback (defaults.ts).
 */

/** The shortest namespace secret accepted. */
export const MIN_SECRET_LENGTH = 16;

/** Secrets printed in config.sample.toml, the Go sample, the README and the embedded defaults. */
const PLACEHOLDERS = new Set(['change-this-to-a-long-random-secret', 'mySecretToken', 'myOtherSecretToken', EMBEDDED_DEFAULTS.auth.dev.secret]);

const HOW = 'generate one with `otpgateway --new-config` or `openssl rand -hex 24`';

/** One problem of one key: its dotted path and what is wrong with it. */
export interface KeyProblem {
  key: string;
  message: string;
}

/** The `[auth.*] secret` values of a raw (merged) config that are too short or placeholders. */
export function weakSecretProblems(auth: unknown, options: { embedded: boolean }): KeyProblem[] {
  if (!isTable(auth)) return [];
  const problems: KeyProblem[] = [];
  for (const [name, tenant] of Object.entries(auth)) {
    const secret = isTable(tenant) && (typeof tenant.secret === 'string' || typeof tenant.secret === 'number') ? String(tenant.secret) : '';
    // Empty and mistyped secrets are the schema's to report.
    if (secret === '' || (options.embedded && name === 'dev' && secret === EMBEDDED_DEFAULTS.auth.dev.secret)) continue;
    const key = `auth.${name}.secret`;
    if (PLACEHOLDERS.has(secret)) problems.push({ key, message: `this is a published placeholder, not a secret: set a random one of ${MIN_SECRET_LENGTH}+ characters (${HOW})` });
    else if (secret.length < MIN_SECRET_LENGTH) problems.push({ key, message: `expected at least ${MIN_SECRET_LENGTH} characters, got ${secret.length} (${HOW})` });
  }
  return problems;
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
