import type { Request, RequestHandler, Response } from 'express';

/** The headers a middleware leaves set (one it sets and then removes is not among them). */
export interface HeaderSet {
  set: ReadonlyArray<readonly [string, string | number | readonly string[]]>;
}

/**
 * Run a header-only middleware (helmet, Cache-Control) once, at startup, on a
 * recording response, so the fast path can apply the same headers without it.
 * Removals need no replay: the fast path sets nothing before it writes these.
 * Returns undefined when the middleware does anything but set/remove headers
 * and call next() synchronously; the fast path then stays off.
 */
export function recordHeaders(middleware: RequestHandler, path: string): HeaderSet | undefined {
  const set = new Map<string, readonly [string, string | number | readonly string[]]>();
  let passed = false;
  let unexpected = false;
  const response = new Proxy(
    {
      setHeader(name: string, value: string | number | readonly string[]) {
        set.set(name.toLowerCase(), [name, value]);
      },
      removeHeader(name: string) {
        set.delete(name.toLowerCase());
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
  return passed && !unexpected ? { set: [...set.values()] } : undefined;
}
