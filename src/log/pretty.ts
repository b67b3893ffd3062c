import type { DestinationStream } from 'pino';

/**
 * Human-readable logs for a terminal (`--pretty-logs`): each JSON line becomes
 * `HH:MM:SS.mmm LEVEL message  key=value …`. JSON stays the default because
 * log collectors parse it; this is for a developer watching one process.
 */

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** A pino destination that writes pretty lines to `out` (stdout by default). */
export function prettyDestination(out: { write(text: string): unknown } = process.stdout): DestinationStream {
  return { write: (line: string) => void out.write(prettyLine(line)) };
}

/** One pino JSON line as a pretty line (a line that is not JSON is kept as it is). */
export function prettyLine(line: string): string {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return line;
  }
  if (typeof entry !== 'object' || entry === null) return line;
  const { level, time, msg, ...fields } = entry as Record<string, unknown>;
  const clock = new Date(typeof time === 'number' ? time : Date.now()).toISOString().slice(11, 23);
  const label = (LEVELS[Number(level)] ?? String(level)).padEnd(5);
  const rest = Object.entries(fields).map(([key, value]) => `${key}=${show(value)}`);
  return `${clock} ${label} ${typeof msg === 'string' ? msg : ''}${rest.length ? `  ${rest.join(' ')}` : ''}\n`;
}

/** A field value: bare when it is a plain word, JSON otherwise (quotes make spaces unambiguous). */
function show(value: unknown): string {
  return typeof value === 'string' && /^[^\s"=]*$/.test(value) ? value : JSON.stringify(value);
}
