/** Reading what the browser sent: form and query fields, and the path prefix of the pages. */

/** One string field of a parsed form or query ("" when absent, repeated or not text). */
export function field(source: unknown, name: string): string {
  const value = source && typeof source === 'object' ? (source as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : '';
}

/** The path prefix of `root_url` ("" or "/otp-gateway"), so page links work behind a proxy path. */
export function basePath(rootUrl: string): string {
  try {
    return new URL(rootUrl).pathname.replace(/\/+$/, '');
  } catch {
    return '';
  }
}
