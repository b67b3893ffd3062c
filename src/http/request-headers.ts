import type { Request, RequestHandler, Response } from 'express';

/** Header changes a middleware makes: values to set, names to remove. */
export interface HeaderSet {
  set: ReadonlyArray<readonly [string, string | number | readonly string[]]>;
  remove: readonly string[];
}

/**
 * Run a header-only middleware (helmet, Cache-Control) once, at startup, on a
 * recording response, so the fast path can apply the same headers without it.
 * Returns undefined when the middleware does anything but set/remove headers
 * and call next() synchronously; the fast path then stays off.
 */
export function recordHeaders(middleware: RequestHandler, path: string): HeaderSet | undefined {
  const set = new Map<string, readonly [string, string | number | readonly string[]]>();
  const remove = new Set<string>();
  let passed = false;
  let unexpected = false;
  const response = new Proxy(
    {
      setHeader(name: string, value: string | number | readonly string[]) {
        set.set(name.toLowerCase(), [name, value]);
        remove.delete(name.toLowerCase());
      },
      removeHeader(name: string) {
        set.delete(name.toLowerCase());
        remove.add(name.toLowerCase());
      },
      getHeader(name: string) {
        return set.get(name.toLowerCase())?.[1];
      },
    },
    {
      get(target, property) {
        if (property in target) return target[property as keyof typeof target];
        unexpected = true;
        return undefined;
      },
    },
  );
  const request = { path, url: path, originalUrl: path, method: 'POST', headers: {} };
  try {
    middleware(request as unknown as Request, response as unknown as Response, (err?: unknown) => {
      passed = err === undefined;
    });
  } catch {
    return undefined;
  }
  return passed && !unexpected ? { set: [...set.values()], remove: [...remove] } : undefined;
}
