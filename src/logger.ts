import pino from 'pino';
import { currentRequestId } from './http/request-context';
import { prettyDestination } from './log-pretty';

/** The logger type used across the gateway. */
export type Logger = pino.Logger;

/** Options of the process logger. */
export interface LoggerOptions {
  debug?: boolean;
  /** Where lines go; defaults to stdout. Tests pass a stream to read them. */
  destination?: pino.DestinationStream;
  /** Silence everything (tests that do not read logs). */
  silent?: boolean;
  /**
   * Buffer stdout writes instead of one blocking write per line (the CLI
   * does; tests do not). Whatever is buffered is flushed every 200 ms and when the process exits.
   */
  async?: boolean;
  /** Add `pid` to every line (several worker processes share one log). */
  pid?: boolean;
  /** Human-readable lines instead of JSON (`--pretty-logs`; see log-pretty.ts). */
  pretty?: boolean;
}

/** Adds the id of the request being handled, when there is one (see http/request-context.ts). */
function requestFields(): object {
  // A fresh object each time: pino merges the line's fields into what the mixin returns.
  const reqId = currentRequestId();
  return reqId === undefined ? {} : { reqId };
}

/**
 * Structured JSON logs. The code is never a field of any log line: see
 * `redactPaths`, which also catches it if some future line passes an OTP object.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.silent ? 'silent' : options.debug ? 'debug' : 'info';
  const settings: pino.LoggerOptions = {
    level,
    base: options.pid ? { pid: process.pid } : undefined,
    mixin: requestFields,
    // Not `code`: that field carries error codes (`otp_not_found`); OTP codes travel only as `otp`.
    redact: { paths: ['otp', '*.otp', 'secret', '*.secret', 'password', '*.password'], censor: '[redacted]' },
  };
  if (options.destination) return pino(settings, options.destination);
  if (options.pretty) return pino(settings, prettyDestination());
  if (!options.async) return pino(settings);
  // Lines are gathered up to 4 KiB per write (one syscall for many lines under load) and
  // flushed at least every 200 ms, so a quiet gateway's lines still appear at once to a reader.
  const stream = pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 200 });
  process.on('exit', () => stream.flushSync());
  return pino(settings, stream);
}
