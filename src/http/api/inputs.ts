import { z } from 'zod';
import { AppError, invalidField } from '../../errors';
import { jsonTooDeep, MAX_JSON_DEPTH } from '../../security/json-depth';
import { isValidId, MAX_CODE_LENGTH } from '../../otp/ids';
import type { CreateRequest } from '../../otp/types';
import { canonicalLanguageTag } from '../../i18n/tags';
import type { FieldDoc, JsonSchema } from './types';

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
const MAX_PROVIDER = 128;
const MAX_ADDRESS = 1000;
const MAX_DESCRIPTION = 2000;
const MAX_TTL = 86400;
const CODE = /^[\x21-\x7e]+$/;
const MAX_REDIRECT_URI = 2000;
const MAX_STATE = 512;
const MAX_NONCE = 128;

/** Parse the body of `PUT /api/otp[/:id]`. `isJson` says whether `extra` arrives as a value or as JSON text. */
export function parseCreateBody(rawBody: unknown, isJson: boolean): CreateRequest {
  const body = bodyOf(rawBody);
  const provider = optionalText(body, 'provider', MAX_PROVIDER);
  if (!provider) throw invalidField('provider', '`provider` is required: the id of an enabled provider (see GET /api/providers).');
  const otp = optionalText(body, 'otp', MAX_CODE_LENGTH);
  if (otp !== undefined && otp !== '' && !CODE.test(otp)) {
    throw invalidField('otp', 'Invalid `otp` value: use 1 to 64 printable ASCII characters without spaces.');
  }
  return {
    provider,
    to: (optionalText(body, 'to', MAX_ADDRESS) ?? '').trim(),
    channelDescription: optionalText(body, 'channel_description', MAX_DESCRIPTION) ?? '',
    addressDescription: optionalText(body, 'address_description', MAX_DESCRIPTION) ?? '',
    otp: otp || undefined,
    ttlSeconds: optionalInt(body, 'ttl', 1, MAX_TTL, ' of seconds'),
    maxAttempts: optionalInt(body, 'max_attempts', 1, MAX_BUDGET),
    maxGenerate: optionalInt(body, 'max_generate', 1, MAX_BUDGET),
    extra: parseExtra(body.extra, isJson),
    meta: parseMeta(body),
  };
}

/** The OTP's own attributes (OtpMeta): `lang`, a language tag, canonicalised ("pt-br" → "pt-BR"); the redirect flow's `redirect_uri`, `state`, `nonce`. */
function parseMeta(body: Body): CreateRequest['meta'] {
  const meta: NonNullable<CreateRequest['meta']> = parseResultFields(body);
  const lang = optionalText(body, 'lang', 64);
  if (lang === undefined || lang === '') return meta;
  const tag = canonicalLanguageTag(lang);
  if (!tag) throw invalidField('lang', `Invalid \`lang\` value: ${JSON.stringify(lang)} is not a language tag; use one such as "de" or "pt-BR".`);
  return { ...meta, lang: tag };
}

/** `redirect_uri`, `state` and `nonce` (results.md); whether the namespace lists the redirect_uri is the core's check. */
function parseResultFields(body: Body): NonNullable<CreateRequest['meta']> {
  const uri = optionalText(body, 'redirect_uri', MAX_REDIRECT_URI) || undefined;
  const state = optionalText(body, 'state', MAX_STATE) || undefined;
  const nonce = optionalText(body, 'nonce', MAX_NONCE) || undefined;
  if (state !== undefined && uri === undefined) throw invalidField('state', '`state` is returned by the redirect flow only: give `redirect_uri` too.');
  return {
    ...(nonce !== undefined ? { nonce } : {}),
    ...(uri !== undefined ? { redirect: state !== undefined ? { uri, state } : { uri } } : {}),
  };
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

const textField = (maxLength: number): JsonSchema => ({ type: 'string', maxLength });
const intField = (maximum: number): { json: JsonSchema; form: JsonSchema } => ({
  json: { type: 'integer', minimum: 1, maximum },
  form: { type: 'string', pattern: '^\\d+$', description: `A whole number from 1 to ${maximum}.` },
});

/** The fields parseCreateBody reads, for the OpenAPI document (same limits). */
export const CREATE_FIELDS: readonly FieldDoc[] = [
  { name: 'provider', required: true, description: 'Id of an enabled provider (GET /api/providers).', json: textField(MAX_PROVIDER) },
  { name: 'to', description: 'The address; validated and normalised by the provider (phone numbers to E.164, refused with `country_not_allowed` outside `sms_countries`). Empty: the built-in address page asks the user for it.', json: textField(MAX_ADDRESS) },
  { name: 'channel_description', description: 'Text shown on the code page.', json: textField(MAX_DESCRIPTION) },
  { name: 'address_description', description: 'Text shown on the address page.', json: textField(MAX_DESCRIPTION) },
  {
    name: 'otp', description: 'The code to send (e.g. a penny-drop amount); default: a random numeric code of the provider\'s otp_length.',
    json: { type: 'string', maxLength: MAX_CODE_LENGTH, pattern: CODE.source },
  },
  { name: 'ttl', description: 'Seconds the OTP lives; default app.otp_ttl.', ...intField(MAX_TTL) },
  { name: 'max_attempts', description: 'Verification attempts allowed; default app.otp_max_attempts.', ...intField(MAX_BUDGET) },
  { name: 'max_generate', description: 'Sends (create + regenerations + resends) allowed; default app.otp_max_generate.', ...intField(MAX_BUDGET) },
  {
    name: 'extra', description: 'Any JSON value, kept with the OTP and returned with it; in a form body, JSON-encoded text.',
    json: {}, form: { type: 'string', contentMediaType: 'application/json' },
  },
  { name: 'lang', description: 'Language of the pages and messages of this OTP: a language tag such as "de" or "pt-BR" (README "Languages").', json: textField(64) },
  {
    name: 'redirect_uri', description: 'The redirect flow: where the page sends the browser back to when it ends; must equal one of the namespace\'s `redirect_uris` byte for byte. Needs `[signing]` keys.',
    json: { type: 'string', format: 'uri', maxLength: MAX_REDIRECT_URI },
  },
  { name: 'state', description: 'The redirect flow: returned unchanged as the `state` query parameter.', json: textField(MAX_STATE) },
  { name: 'nonce', description: 'Echoed as the `nonce` claim of the result token (replay protection). Needs `[signing]` keys.', json: textField(MAX_NONCE) },
];

const BOOLEAN_FORM: JsonSchema = { type: 'string', enum: ['true', 'false', '1', '0'] };

/** The fields parseVerifyBody reads, for the OpenAPI document. */
export const VERIFY_FIELDS: readonly FieldDoc[] = [
  { name: 'otp', required: true, description: 'The code the user typed.', json: { type: 'string', minLength: 1, maxLength: MAX_CODE_LENGTH } },
  { name: 'action', description: 'Optional; the only action of this route is `check`.', json: { type: 'string', enum: ['check'] } },
  {
    name: 'skip_delete', description: 'Keep the verified record (closed) until it expires, instead of deleting it.',
    json: { type: ['boolean', 'integer', 'string'], enum: [true, false, 1, 0, 'true', 'false', '1', '0'] }, form: BOOLEAN_FORM,
  },
];
