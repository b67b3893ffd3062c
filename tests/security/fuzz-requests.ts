/**
 * A seeded generator of malformed and hostile HTTP requests for the fuzz test:
 * the same seed gives the same requests, so a failure reproduces with
 * OTP_FUZZ_SEED=<seed>.
 */

/** One generated request. */
export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** mulberry32: a tiny, good-enough seeded PRNG returning [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Known names the generator mixes with junk. */
export interface FuzzTargets {
  namespaces: string[];
  /** Ids that exist in the first namespace (so that verify/resend paths run for real). */
  ids: string[];
  /** Valid Authorization header values. */
  credentials: string[];
  providers: string[];
}

/** Build a generator of requests over `targets`, driven by `random`. */
export function requestGenerator(random: () => number, targets: FuzzTargets): () => FuzzRequest {
  const int = (n: number): number => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const chance = (p: number): boolean => random() < p;

  const junkChars = 'aZ09-_.:@%/\\?#&=+;, \'"<>{}[]|^`~!$*()\u00e9\u4e2d\u0000\u202e\ud83d\ude00';
  const junk = (max: number): string => Array.from({ length: int(max) + 1 }, () => pick([...junkChars])).join('');
  const brokenPercent = (): string => pick(['%', '%z', '%zz', '%E0%A4%A', '%C0%80', '%FF%FE', '%ED%A0%80', '%%', '%0', '%u0041', '%2', '%00']);
  const pathSegment = (): string => {
    switch (int(8)) {
      case 0: return encodeURIComponent(junk(20));
      case 1: return `ab${brokenPercent()}cdef`;
      case 2: return 'a'.repeat(int(3) === 0 ? 129 : int(200) + 1);
      case 3: return pick(targets.ids);
      case 4: return `id-${int(1e6)}`;
      case 5: return encodeURIComponent(pick(['..', '.', '\u00e9t\u00e9-id', '<script>', "o'neil", 'x'.repeat(5)]));
      case 6: return brokenPercent();
      default: return pick(targets.ids);
    }
  };
  const namespace = (): string => (chance(0.7) ? pick(targets.namespaces) : chance(0.5) ? encodeURIComponent(junk(10)) : brokenPercent());
  const query = (): string => {
    if (chance(0.6)) return '';
    return `?${pick([
      `action=check&otp=${encodeURIComponent(junk(8))}`,
      `action=check&otp=${'9'.repeat(int(100))}`,
      `view=popup&origin=${encodeURIComponent(pick(['https://shop.example', 'javascript:alert(1)', junk(20), 'null']))}`,
      `view[]=popup&origin[a]=1&action=check&action=resend`,
      `a=${brokenPercent()}&b=${brokenPercent()}`,
      junk(30).replace(/#/g, ''),
    ])}`;
  };
  const path = (): string => {
    const id = pathSegment();
    const ns = namespace();
    return pick([
      '/api/health', '/api/providers', '/api/otp', `/api/otp/${id}`, `/api/otp/${id}`, `/api/otp/${id}/status`,
      `/api/${encodeURIComponent(junk(10))}`, `/api/otp/${id}/${brokenPercent()}`,
      `/otp/${ns}/${id}`, `/otp/${ns}/${id}`, `/otp/${ns}/${id}/status`, `/otp/${ns}/${id}/address`,
      `/otp/${ns}`, `/static/${pick(['otp.js', 'otp.css', 'page.js', encodeURIComponent(junk(10)), `x${brokenPercent()}.js`, '..%2fpackage.json'])}`,
      `/${encodeURIComponent(junk(10))}`, `/${brokenPercent()}`,
    ]) + query();
  };

  const value = (depth: number): unknown => {
    switch (int(depth > 40 ? 6 : 9)) {
      case 0: return junk(30);
      case 1: return int(1e9) * (chance(0.5) ? -1 : 1);
      case 2: return pick([null, true, false, 1e400, -0, 0.5, '', ' ']);
      case 3: return 'x'.repeat(int(4) === 0 ? 70_000 : int(3000));
      case 4: return pick(['log', '1', 'true', '0', 'check', 'resend', '+15550000001', 'a@b.c']);
      case 5: return pick(targets.providers);
      case 6: return Array.from({ length: int(4) }, () => value(depth + 1));
      case 7: return Object.fromEntries(Array.from({ length: int(4) }, () => [pick(['a', '__proto__', 'constructor', 'otp', junk(5)]), value(depth + 1)]));
      default: return nest(int(60));
    }
  };
  const nest = (levels: number): unknown => {
    let v: unknown = 1;
    for (let i = 0; i < levels; i++) v = chance(0.5) ? [v] : { a: v };
    return v;
  };
  const fields = (): Record<string, unknown> => {
    const names = ['provider', 'to', 'otp', 'ttl', 'max_attempts', 'max_generate', 'extra', 'channel_description', 'address_description', 'action', 'skip_delete', junk(6)];
    return Object.fromEntries(Array.from({ length: int(7) }, () => [pick(names), value(0)]));
  };
  const formBody = (): string => {
    const parts = Object.entries(fields()).map(([k, v]) => {
      const text = typeof v === 'string' ? v : JSON.stringify(v) ?? '';
      return `${encodeURIComponent(k)}=${chance(0.2) ? brokenPercent() : encodeURIComponent(text)}`;
    });
    if (chance(0.2)) parts.push(...Array.from({ length: 150 }, (_, i) => `k${i}=v`));
    if (chance(0.2)) parts.push(`provider=${pick(targets.providers)}`, `provider=${pick(targets.providers)}`);
    return parts.join('&');
  };
  /** Thousands of levels, written as text: building them as objects would overflow this process's stack too. */
  const deepJson = (): string => {
    const levels = 1000 + int(9000);
    const [open, close] = chance(0.5) ? ['[', ']'] : ['{"a":', '}'];
    return `{"provider":"log","extra":${open.repeat(levels)}1${close.repeat(levels)}}`;
  };
  const jsonBody = (): string => {
    if (chance(0.1)) return deepJson();
    const text = JSON.stringify(chance(0.85) ? fields() : value(0)) ?? 'null';
    return chance(0.15) ? text.slice(0, int(text.length)) : text;
  };
  const randomBytes = (): Buffer => Buffer.from(Array.from({ length: int(300) }, () => int(256)));

  return () => {
    const method = pick(['GET', 'GET', 'POST', 'POST', 'PUT', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']);
    const headers: Record<string, string> = {};
    const auth = int(6);
    if (auth <= 2) headers.authorization = pick(targets.credentials);
    else if (auth === 3) headers.authorization = pick(['Basic', 'Basic %%%', `Basic ${Buffer.from('nsA').toString('base64')}`, `Basic ${Buffer.from('nsA:wrong').toString('base64')}`, 'Bearer x', `Basic ${Buffer.from(junk(20)).toString('base64')}`]);
    let body: Buffer | undefined;
    if (method !== 'GET' && method !== 'HEAD' && chance(0.85)) {
      const kind = int(5);
      if (kind <= 1) {
        body = Buffer.from(jsonBody());
        headers['content-type'] = pick(['application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'application/vnd.api+json', 'APPLICATION/JSON']);
      } else if (kind <= 3) {
        body = Buffer.from(formBody());
        headers['content-type'] = pick(['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8', 'application/x-www-form-urlencoded; charset=utf-16']);
      } else {
        body = chance(0.5) ? randomBytes() : Buffer.from(jsonBody());
        headers['content-type'] = pick(['text/plain', 'multipart/form-data; boundary=x', junk(15).replace(/[^\x20-\x7e]/g, ''), 'application/json', 'application/x-www-form-urlencoded']);
      }
      if (chance(0.05)) headers['content-encoding'] = pick(['gzip', 'deflate', 'br', 'compress', 'identity, gzip']);
    }
    if (chance(0.05)) headers['x-forwarded-for'] = pick(['203.0.113.9', junk(10).replace(/[^\x20-\x7e]/g, ''), '1.1.1.1, 2.2.2.2']);
    // Half the PUTs are well-addressed creates, so that hostile bodies reach the lifecycle and not only auth.
    const target = method === 'PUT' && chance(0.5) ? `/api/otp/${pick(targets.ids)}` : path();
    if (method === 'PUT' && target.startsWith('/api/otp/') && chance(0.8)) headers.authorization = pick(targets.credentials);
    return { method, path: target.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c)), headers, body };
  };
}
