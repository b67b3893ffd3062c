import type { IncomingMessage } from 'node:http';

/**
 * Body reading for the API fast path (request-fast-path.ts). It accepts only
 * what it can parse exactly like the Express parsers of api-routes.ts
 * (express.json strict:false, express.urlencoded extended:false); for anything
 * else `bodyKind` answers undefined and the request goes through Express.
 */

/** How a request body is encoded, when the fast path can read it. */
export type BodyKind = 'none' | 'json' | 'form';

/** 64 KiB: an OTP request is a few hundred bytes; anything near this is abuse. Both API paths use it. */
export const API_BODY_LIMIT_BYTES = 64 * 1024;

/** Most form fields an API request may have; both API paths use it. */
export const API_FORM_PARAMETER_LIMIT = 100;

/** Decide from the headers alone whether the fast path can read this body. */
export function bodyKind(req: IncomingMessage): BodyKind | undefined {
  const headers = req.headers;
  if (headers['transfer-encoding'] !== undefined) return undefined;
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return undefined;
  const lengthHeader = headers['content-length'];
  const length = lengthHeader === undefined ? 0 : Number(lengthHeader);
  if (!Number.isInteger(length) || length > API_BODY_LIMIT_BYTES) return undefined;
  const type = headers['content-type'];
  if (type === undefined) return length === 0 ? 'none' : undefined;
  const semi = type.indexOf(';');
  const mime = (semi < 0 ? type : type.slice(0, semi)).trim().toLowerCase();
  if (semi >= 0 && !/^\s*;\s*charset="?utf-8"?\s*$/i.test(type.slice(semi))) return undefined;
  if (mime === 'application/json') return 'json';
  if (mime === 'application/x-www-form-urlencoded') return 'form';
  return undefined;
}

/** Read the whole body as UTF-8 text (the length was checked by bodyKind). */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** An error shaped like body-parser's, so error-handler.ts gives it the same sentence. */
export class BodyError extends Error {
  readonly status: number;
  readonly type: string;

  constructor(status: number, type: string) {
    super(type);
    this.status = status;
    this.type = type;
  }
}

/** Parse a body the way the Express parsers do (empty → {}; duplicate form keys → arrays). */
export function parseBody(kind: BodyKind, text: string): unknown {
  if (kind === 'none' || text.length === 0) return kind === 'none' ? undefined : {};
  if (kind === 'json') {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new BodyError(400, 'entity.parse.failed');
    }
  }
  return parseForm(text);
}

/** application/x-www-form-urlencoded, flat: like qs with depth 0 (brackets stay part of the key). */
export function parseForm(text: string): Record<string, string | string[]> {
  let separators = 0;
  for (let i = text.indexOf('&'); i >= 0; i = text.indexOf('&', i + 1)) {
    if (++separators >= API_FORM_PARAMETER_LIMIT) throw new BodyError(413, 'parameters.too.many');
  }
  const out: Record<string, string | string[]> = {};
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decode(eq < 0 ? pair : pair.slice(0, eq));
    if (key === '' || key === '__proto__') continue;
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1));
    const previous = out[key];
    out[key] = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  return out;
}

function decode(text: string): string {
  const spaced = text.includes('+') ? text.replace(/\+/g, ' ') : text;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced; // like qs: a broken escape stays as it was sent
  }
}
