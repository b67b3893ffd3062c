import pino from 'pino';

/** The logger type used across the gateway. */
export type Logger = pino.Logger;

/** Options of the process logger. */
export interface LoggerOptions {
  debug?: boolean;
  /** Where lines go; defaults to stdout. Tests pass a stream to read them. */
  destination?: pino.DestinationStream;
  /** Silence everything (tests that do not read logs). */
  silent?: boolean;
}

/**
 * Structured JSON logs. The code is never a field of any log line: see
 * `redactPaths`, which also catches it if some future line passes an OTP object.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.silent ? 'silent' : options.debug ? 'debug' : 'info';
  const settings: pino.LoggerOptions = {
    level,
    base: undefined,
    redact: { paths: ['otp', '*.otp', 'code', '*.code', 'secret', '*.secret', 'password', '*.password'], censor: '[redacted]' },
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
