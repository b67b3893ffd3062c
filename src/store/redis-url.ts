/**
 * Parsing of the Redis addresses `[store.redis]` accepts: a `redis://` or
 * `rediss://` URL, and "host:port" entries of `cluster_nodes` and `sentinels`.
 * Shared by the config schema (to refuse bad values at start) and the
 * connection factory (to use them).
 */

/** What a Redis URL supplies; the parts it leaves out are undefined (the separate keys then apply). */
export interface RedisUrlParts {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  /** True for `rediss://`. */
  tls: boolean;
}

/** Read a redis:// or rediss:// URL; a sentence saying what is wrong (never echoing the URL, which may hold a password) otherwise. */
export function parseRedisUrl(text: string): RedisUrlParts | string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'expected a URL such as "rediss://user:password@redis.example:6380/0", got text that is not a URL';
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    return `expected a redis:// or rediss:// URL, got a ${url.protocol}// URL`;
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) return 'expected a host name in the URL, e.g. "redis://redis.example:6379"';
  const path = url.pathname.replace(/^\//, '');
  const db = path === '' ? undefined : /^\d{1,2}$/.test(path) ? Number(path) : NaN;
  if (db !== undefined && !(db >= 0 && db <= 15)) return 'expected the URL path to be a database number 0-15 (e.g. "/0") or empty';
  try {
    return {
      host,
      port: url.port ? Number(url.port) : 6379,
      username: url.username ? decodeURIComponent(url.username) : undefined,
      password: url.password ? decodeURIComponent(url.password) : undefined,
      db,
      tls: url.protocol === 'rediss:',
    };
  } catch {
    return 'expected the user name and password in the URL to be percent-encoded (e.g. "%40" for "@")';
  }
}

/** Split a "host:port" entry (IPv6 hosts in brackets); undefined when malformed. */
export function parseHostPort(entry: string): { host: string; port: number } | undefined {
  const m = /^(\[[^\]]+\]|[^:\s[\]]+):(\d{1,5})$/.exec(entry.trim());
  if (!m) return undefined;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return undefined;
  return { host: (m[1] as string).replace(/^\[(.*)\]$/, '$1'), port };
}
