import { z } from 'zod';
import { AppError, invalidField } from '../../errors';
import { jsonTooDeep, MAX_JSON_DEPTH } from '../../security/json-depth';
import { isValidId, MAX_CODE_LENGTH } from '../../otp/ids';
import type { CreateRequest } from '../../otp/types';
import { canonicalLanguageTag } from '../../i18n/tags';

/**
 * Validation of API request bodies and ids. Bodies arrive as form fields
 * (`curl -d`, all strings) or JSON (typed values); both go through the same
 * checks, and each failure is a 400 with a sentence that says what to fix.
 */


/** Throw 400 unless `id` is 6-128 characters of A-Z a-z 0-9 - _ . : @. */
export function checkId(id: string): string {
  if (!isValidId(id)) {
    throw new AppError('invalid_id', 'Invalid `id`: use 6 to 128 characters of A-Z a-z 0-9 - _ . : @.');
  }
  return id;
}

type Body = Record<string, unknown>;

/** The request body as a plain object (an absent or non-object body reads as empty). */
export function bodyOf(body: unknown): Body {
  if (body === undefined || body === null || (typeof body === 'object' && !Array.isArray(body))) {
    return (body ?? {}) as Body;
  }
  throw new AppError('invalid_body', 'The request body must be a JSON object or form fields.');
}

/** One optional string field, at most `max` characters. */
function optionalText(body: Body, name: string, max: number): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') throw invalidField(name, `Invalid \`${name}\` value: send it once, as text.`);
  if (value.length > max) throw invalidField(name, `Invalid \`${name}\` value: must be at most ${max} characters.`);
  return value;
}

const wholeNumber = z.union([z.number(), z.string().trim().regex(/^\d+$/).transform(Number)]).pipe(z.number().int());

/** One optional whole-number field in [min, max]. */
function optionalInt(body: Body, name: string, min: number, max: number, unit = ''): number | undefined {
  const value = body[name];
  // JSON clients often send null for "not set"; treat it like an absent field, as optionalText does.
  if (value === undefined || value === null || value === '') return undefined;
  const parsed = wholeNumber.safeParse(value);
  if (!parsed.success || parsed.data < min || parsed.data > max) {
    throw invalidField(name, `Invalid \`${name}\` value: must be a whole number${unit} between ${min} and ${max}.`);
  }
  return parsed.data;
}

const MAX_BUDGET = 1_000_000_000;

/** Parse the body of `PUT /api/otp[/:id]`. `isJson` says whether `extra` arrives as a value or as JSON text. */
export function parseCreateBody(rawBody: unknown, isJson: boolean): CreateRequest {
  const body = bodyOf(rawBody);
  const provider = optionalText(body, 'provider', 128);
  if (!provider) throw invalidField('provider', '`provider` is required: the id of an enabled provider (see GET /api/providers).');
  const otp = optionalText(body, 'otp', MAX_CODE_LENGTH);
  if (otp !== undefined && otp !== '' && !/^[\x21-\x7e]+$/.test(otp)) {
    throw invalidField('otp', 'Invalid `otp` value: use 1 to 64 printable ASCII characters without spaces.');
  }
  return {
    provider,
    to: (optionalText(body, 'to', 1000) ?? '').trim(),
    channelDescription: optionalText(body, 'channel_description', 2000) ?? '',
    addressDescription: optionalText(body, 'address_description', 2000) ?? '',
    otp: otp || undefined,
    ttlSeconds: optionalInt(body, 'ttl', 1, 86400, ' of seconds'),
    maxAttempts: optionalInt(body, 'max_attempts', 1, MAX_BUDGET),
    maxGenerate: optionalInt(body, 'max_generate', 1, MAX_BUDGET),
    extra: parseExtra(body.extra, isJson),
    meta: parseMeta(body),
  };
}

/** The OTP's own attributes (OtpMeta): `lang`, a language tag, canonicalised ("pt-br" → "pt-BR"). */
function parseMeta(body: Body): CreateRequest['meta'] {
  const lang = optionalText(body, 'lang', 64);
  if (lang === undefined || lang === '') return {};
  const tag = canonicalLanguageTag(lang);
  if (!tag) throw invalidField('lang', `Invalid \`lang\` value: ${JSON.stringify(lang)} is not a language tag; use one such as "de" or "pt-BR".`);
  return { lang: tag };
}

function parseExtra(value: unknown, isJson: boolean): unknown {
  if (value === undefined || value === '') return {};
  const parsed = isJson ? value : parseExtraText(value);
  if (jsonTooDeep(parsed)) throw invalidField('extra', `Invalid \`extra\` value: it nests deeper than ${MAX_JSON_DEPTH} levels.`);
  return parsed;
}

function parseExtraText(value: unknown): unknown {
  if (typeof value !== 'string') throw invalidField('extra', 'Invalid JSON in `extra`: send it once, as JSON-encoded text.');
  try {
    return JSON.parse(value);
  } catch (err) {
    throw invalidField('extra', `Invalid JSON in \`extra\`: ${err instanceof Error ? err.message : 'cannot parse it'}.`);
  }
}

/** Parse the body of `POST /api/otp/:id` (verify). */
export function parseVerifyBody(rawBody: unknown): { otp: string; skipDelete: boolean } {
  const body = bodyOf(rawBody);
  const otp = optionalText(body, 'otp', MAX_CODE_LENGTH);
  if (!otp) throw invalidField('otp', '`otp` is empty.');
  const action = optionalText(body, 'action', 16);
  if (action !== undefined && action !== '' && action !== 'check') {
    throw invalidField('action', 'Invalid `action` value: the only action of this route is `check`.');
  }
  return { otp, skipDelete: parseBoolean(body.skip_delete, 'skip_delete') };
}

/** `true|false|1|0` (absent or null = false). */
export function parseBoolean(value: unknown, name: string): boolean {
  if (value === undefined || value === null || value === '' || value === false || value === 0) return false;
  if (value === true || value === 1) return true;
  if (typeof value === 'string') {
    const v = value.toLowerCase();
    if (v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
  }
  throw invalidField(name, `Invalid \`${name}\` value: use true, false, 1 or 0.`);
}
