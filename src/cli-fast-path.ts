import { describeRuntime } from './runtime';
import { VERSION } from './version';

/**
 * `otpgateway --version` and `otpgateway --help` on their own, answered before
 * the CLI loads the gateway (Express, Redis, the providers, the config schema):
 * cli.ts imports this module first, and it exits when it answered. Any other
 * command line goes on to cli.ts, which answers these flags too when they come
 * with others.
 */

/** The text of `--help`. */
export const HELP = `otpgateway ${VERSION}: self-hosted OTP gateway

Usage: otpgateway [--config FILE]...

  --config FILE   TOML config file; repeat to merge several (later wins).
                  Default: ./config.toml, or the embedded development defaults
                  (memory store, the log and outbox providers, a throwaway
                  signing key) when it does not exist.
  --new-config    Print a complete config with a fresh namespace secret and
                  app.secret_key, then exit: otpgateway --new-config > config.toml
                  (on stderr: a fresh Ed25519 signing key and the [signing] lines)
  --log-format json|pretty
                  How log lines are written. Default: pretty when stdout is a
                  terminal, JSON otherwise (for log collectors).
  --pretty-logs   The same as --log-format pretty.
  --version       Print the version and the Node.js it runs on, and exit.
  --help          Print this help and exit.

Environment: OTP_GATEWAY_<SECTION>__<KEY>=value overrides any key,
e.g. OTP_GATEWAY_APP__ADDRESS=0.0.0.0:9000.`;

/** What `--version` prints: the gateway's version and the Node.js it runs on. */
export function versionText(): string {
  return `otpgateway ${VERSION}\n${describeRuntime()}`;
}

const args = process.argv.slice(2);
if (args.length === 1) {
  const [arg] = args;
  if (arg === '--version' || arg === '-v') answer(versionText());
  else if (arg === '--help' || arg === '-h') answer(HELP);
}

/** Print and exit (stdout to a file, pipe or terminal is written synchronously on Linux before exit). */
function answer(text: string): never {
  process.stdout.write(`${text}\n`);
  process.exit(0);
}
