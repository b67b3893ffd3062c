import type { IncomingMessage } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { parse as parseContentType } from 'content-type';
import getRawBody from 'raw-body';
import { AppError } from '../../errors';
import type { ApiStep } from './types';

/**
 * The body step: on routes that read fields, the body is JSON (any value) or
 * form fields (flat: `a[b]` stays a key, a repeated key becomes a list), in
 * UTF-8, optionally gzip/deflate/br-compressed, at most 64 KiB after
 * decompression and 100 form fields. Anything else is a 413 or 415.
 * Built from small parts (content-type, raw-body, zlib, JSON.parse,
 * node:querystring) rather than body-parser, whose middleware cost about as
 * much as the rest of a verify together (docs/benchmarks.md).
 */

/** 64 KiB: an OTP request is a few hundred bytes; anything near this is abuse. */
export const API_BODY_LIMIT_BYTES = 64 * 1024;

/** Most form fields an API request may have. */
export const API_FORM_PARAMETER_LIMIT = 100;

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

export const readBody: ApiStep = (request) => {
  if (request.route.body === 'none') return;
  const { req } = request;
  // No Content-Length and no Transfer-Encoding: there is no body (every field is absent).
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) return;
  const type = mediaType(req);
  request.isJson = type === JSON_TYPE;
  return read(req).then((text) => {
    request.body = request.isJson ? parseJson(text) : parseForm(text);
  });
};

/** JSON or form fields in UTF-8, else a 415 that says what to send. */
function mediaType(req: IncomingMessage): typeof JSON_TYPE | typeof FORM {
  let parsed: { type: string; parameters: Record<string, string> };
  try {
    parsed = parseContentType(req.headers['content-type'] ?? '');
  } catch {
    parsed = { type: '', parameters: {} };
  }
  if (parsed.type !== JSON_TYPE && parsed.type !== FORM) {
    throw new AppError('unsupported_media_type', 'Send the request body as JSON (application/json) or as form fields (application/x-www-form-urlencoded), in UTF-8.');
  }
  const charset = parsed.parameters.charset?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new AppError('unsupported_media_type', 'The request body uses an unsupported charset. Send it as UTF-8.');
  }
  return parsed.type;
}

/** The whole body as text, decompressed; raw-body enforces the limit and the declared length. */
function read(req: IncomingMessage): Promise<string> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding === 'identity') {
    // Bytes, decoded here (raw-body's own decoding goes through iconv-lite); the callback form saves two promises a request.
    return new Promise((resolve, reject) => {
      getRawBody(req, { length: req.headers['content-length'], limit: API_BODY_LIMIT_BYTES }, (err, bytes) => (err ? reject(err) : resolve(bytes.toString('utf8'))));
    });
  }
  const decompress = DECOMPRESSORS[encoding];
  if (!decompress) {
    req.resume();
    throw new AppError('unsupported_media_type', 'The request body uses an unsupported content encoding. Send it uncompressed, as UTF-8.');
  }
  const stream: Transform = decompress();
  req.pipe(stream);
  return getRawBody(stream, { limit: API_BODY_LIMIT_BYTES }).then(utf8, (err: unknown) => {
    req.unpipe(stream);
    // raw-body's own errors (too large, aborted) carry a `type`; a zlib error means the bytes are not what the header says.
    if (typeof err === 'object' && err !== null && 'type' in err) throw err;
    throw new AppError('invalid_body', 'The request body could not be read: it is not compressed as its Content-Encoding says.');
  });
}

function utf8(bytes: Buffer): string {
  return bytes.toString('utf8');
}

const DECOMPRESSORS: Partial<Record<string, () => Transform>> = {
  gzip: createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

function parseJson(text: string): unknown {
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError('invalid_body', 'The request body is not valid JSON. Send a JSON object, or form fields (application/x-www-form-urlencoded).');
  }
}

function parseForm(text: string): Record<string, string | string[] | undefined> {
  let fields = 1;
  for (let i = text.indexOf('&'); i >= 0; i = text.indexOf('&', i + 1)) {
    if (++fields > API_FORM_PARAMETER_LIMIT) throw new AppError('payload_too_large', 'The request has too many form fields.');
  }
  return parseQuery(text);
}
