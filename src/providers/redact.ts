/**
 * Remove the code from an upstream's error text before it is logged: receivers
 * and APIs often echo the request back in their error answers, and codes never
 * go into a log line.
 */
export function withoutCode(text: string, code: string): string {
  return code === '' ? text : text.split(code).join('[code]');
}

/** Re-throw `err` as an Error whose message has the code removed and starts with `what`. */
export function deliveryError(what: string, err: unknown, code: string): Error {
  const message = err instanceof Error ? err.message : String(err);
  return new Error(withoutCode(message.startsWith(what) ? message : `${what}: ${message}`, code));
}
