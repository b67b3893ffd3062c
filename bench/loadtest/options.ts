/** The load test's flags (`npm run loadtest -- --help`). */
export interface LoadTestOptions {
  /** The gateway's root URL, e.g. http://127.0.0.1:9000 or a staging deployment. */
  url: string;
  namespace: string;
  secret: string;
  /** The provider that keeps messages in the outbox (`outbox`, or a route that ends in it). */
  provider: string;
  /** Virtual users: each loops one flow at a time, so at most this many requests are in flight. */
  users: number;
  durationMs: number;
  /** What addresses to create OTPs for: fresh phone numbers, e-mail addresses or text. */
  address: 'phone' | 'email' | 'any';
  /** Where to write the report as JSON, if anywhere. */
  json?: string;
  /** Seconds between progress lines (0: none). */
  progressSeconds: number;
}

/** The help text. */
export const USAGE = `npm run loadtest -- [flags]

Each virtual user loops the whole flow: create an OTP for a fresh id and
address, read its code from GET /api/outbox (wait), one wrong guess (400),
the right code (200), status (200, closed). Exits 1 when any flow went wrong.

  --url URL          gateway root URL (default http://127.0.0.1:9000)
  --namespace NS     namespace (default dev)
  --secret S         its secret (default dev-secret)
  --provider ID      provider that keeps messages in the outbox (default outbox)
  --users N          virtual users (default 50)
  --duration D       how long to start new flows: 30s, 2m, 500ms (default 30s)
  --address KIND     phone | email | any, matching the provider's address (default phone)
  --json FILE        also write the report as JSON
  --progress S       seconds between progress lines, 0 for none (default 1)
`;

/** Parse argv (without node and the script); throws a sentence on a bad flag. */
export function parseOptions(argv: readonly string[]): LoadTestOptions | 'help' {
  const options: LoadTestOptions = {
    url: 'http://127.0.0.1:9000', namespace: 'dev', secret: 'dev-secret', provider: 'outbox',
    users: 50, durationMs: 30_000, address: 'phone', progressSeconds: 1,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') return 'help';
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value.`);
    switch (flag) {
      case '--url': options.url = value.replace(/\/+$/, ''); break;
      case '--namespace': options.namespace = value; break;
      case '--secret': options.secret = value; break;
      case '--provider': options.provider = value; break;
      case '--users': options.users = whole(flag, value, 1, 100_000); break;
      case '--duration': options.durationMs = duration(value); break;
      case '--json': options.json = value; break;
      case '--progress': options.progressSeconds = whole(flag, value, 0, 3600); break;
      case '--address':
        if (value !== 'phone' && value !== 'email' && value !== 'any') throw new Error('--address is phone, email or any.');
        options.address = value;
        break;
      default: throw new Error(`unknown flag ${flag} (see --help).`);
    }
  }
  return options;
}

function whole(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${flag} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}.`);
  return n;
}

/** "30s", "2m", "500ms" or plain seconds, in milliseconds. */
export function duration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  if (!match) throw new Error(`--duration must look like 30s, 2m or 500ms, got ${JSON.stringify(value)}.`);
  const n = Number(match[1]);
  const unit = match[2] ?? 's';
  return Math.round(unit === 'ms' ? n : unit === 'm' ? n * 60_000 : n * 1000);
}
