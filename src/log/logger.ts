import pino from 'pino';
import { currentRequestId } from './request-context';
import { prettyDestination } from './pretty';

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
  /** Human-readable lines instead of JSON (`--log-format pretty`; see pretty.ts). */
  pretty?: boolean;
}

/** The batched writers made so far: flushLogs() and flushLogsThen() empty them. */
const batched: { flushSync(): void; flush(cb?: (err?: Error) => void): void }[] = [];

/**
 * Write out the batched lines now, synchronously (at `exit`, where nothing async runs any more).
 * A write already under way (sent to the OS asynchronously) is not waited for: before a
 * deliberate exit, use flushLogsThen.
 */
export function flushLogs(): void {
  for (const stream of batched) {
    try {
      stream.flushSync();
    } catch {
      // stdout is gone (a closed pipe): nothing left to write to.
    }
  }
}

/** Adds the id of the request being handled, when there is one (see http/request-context.ts). */
function requestFields(): object {
  // A fresh object each time: pino merges the line's fields into what the mixin returns.
  const reqId = currentRequestId();
  return reqId === undefined ? {} : { reqId };
}

// Not `code`: that field carries error codes (`otp_not_found`); OTP codes travel only as `otp`.
const SECRET_FIELDS = new Set(['otp', 'secret', 'password']);
const CENSOR = '[redacted]';

/**
 * The fields of a line with `otp`, `secret` and `password` censored, at the top
 * level and one level down (an OTP object passed as a field). The caller's objects
 * are never changed: a copy is made only when something is censored. Hand-written
 * because pino's wildcard `redact` doubled the cost of every line (a 4xx logs one).
 */
export function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  let out = fields;
  for (const key in fields) {
    const value = fields[key];
    let censored: unknown = value;
    if (SECRET_FIELDS.has(key)) censored = CENSOR;
    else if (typeof value === 'object' && value !== null && !(value instanceof Error) && hasSecretField(value)) {
      censored = { ...value };
      for (const name of SECRET_FIELDS) if (name in (censored as object)) (censored as Record<string, unknown>)[name] = CENSOR;
    }
    if (censored !== value) {
      if (out === fields) out = { ...fields };
      out[key] = censored;
    }
  }
  return out;
}

function hasSecretField(value: object): boolean {
  for (const name of SECRET_FIELDS) if (name in value) return true;
  return false;
}

/**
 * Structured JSON logs, or pretty lines for a terminal (`pretty`). The code is never a field of any log line: see
 * `redactFields`, which also catches it if some future line passes an OTP object.
 */
/**
 * Write out every batched line, the write already under way included, then call `done`
 * (after `timeoutMs` at the latest, when stdout does not drain): the way to exit after a fatal error or a stop.
 */
export function flushLogsThen(done: () => void, timeoutMs = 2000): void {
  let pending = batched.length;
  let finished = false;
  const finish = (): void => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    flushLogs();
    done();
  };
  const timer = setTimeout(finish, timeoutMs);
  if (pending === 0) return finish();
  for (const stream of batched) {
    try {
      // The callback comes once the stream drained (its fsync error on a pipe or terminal is irrelevant here).
      stream.flush(() => --pending === 0 && finish());
    } catch {
      finish();
    }
  }
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.silent ? 'silent' : options.debug ? 'debug' : 'info';
  const settings: pino.LoggerOptions = {
    level,
    base: options.pid ? { pid: process.pid } : undefined,
    mixin: requestFields,
    formatters: { log: redactFields },
  };
  if (options.destination) return pino(settings, options.destination);
  if (!options.async) return options.pretty ? pino(settings, prettyDestination()) : pino(settings);
  // Lines are gathered up to 4 KiB per write (one syscall for many lines under load) and
  // flushed at least every 200 ms, so a quiet gateway's lines still appear at once to a reader.
  const stream = pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 200 });
  if (batched.length === 0) process.on('exit', flushLogs);
  batched.push(stream);
  return pino(settings, options.pretty ? prettyDestination(stream) : stream);
}
