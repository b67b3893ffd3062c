import type { ErrorCode } from '../../errors';
import { ID_PATTERN, MAX_CODE_LENGTH } from '../../otp/ids';
import type { CreatedOtp, Otp, VerifiedOtp } from '../../otp/types';
import type { OutboxMessage } from '../../outbox/outbox';
import type { JsonSchema } from './types';

/**
 * The JSON Schemas of what the API answers (api.md "The OTP object", "Envelope"),
 * for the OpenAPI document (openapi.ts). The OTP's properties are checked by the
 * compiler against the `Otp` type: a field added to one and not the other does not build.
 */

const text = (description: string): JsonSchema => ({ type: 'string', description });
const count = (description: string): JsonSchema => ({ type: 'integer', minimum: 0, description });

const OTP_PROPERTIES = {
  namespace: text('The namespace (tenant) the OTP lives in.'),
  id: { type: 'string', pattern: ID_PATTERN.source, description: 'The id the caller chose (or the random one of `PUT /api/otp`).' },
  to: text('The address being verified, normalised by the provider; empty while the address page still has to ask for it.'),
  channel_description: text('Text shown on the code page.'),
  address_description: text('Text shown on the address page.'),
  extra: { description: 'Whatever JSON value the creator attached; `{}` when none.' },
  provider: text('The provider (or route, see Routing in the README) the caller chose.'),
  max_attempts: count('Verification attempts allowed.'),
  attempts: count('Verification attempts made so far.'),
  max_generate: count('Sends (create + regenerations + resends) allowed.'),
  generate: count('Sends so far.'),
  closed: { type: 'boolean', description: 'True once the right code was entered.' },
  ttl: count('Seconds left before the record expires.'),
  url: { type: 'string', format: 'uri', description: 'The built-in verification page of this OTP.' },
  delivered_via: text('The provider that accepted the last message: for a route, the member that delivered; otherwise the provider itself. Empty before any message was accepted.'),
} as const satisfies Record<keyof Otp, JsonSchema>;

const CREATED_OTP_PROPERTIES = {
  ...OTP_PROPERTIES,
  otp: { type: 'string', minLength: 1, maxLength: MAX_CODE_LENGTH, description: 'The code: only in the answer of the create that made or regenerated it.' },
} as const satisfies Record<keyof CreatedOtp, JsonSchema>;

const OUTBOX_MESSAGE_PROPERTIES = {
  seq: { type: 'integer', minimum: 1, description: 'Increases with every message of the namespace (the `since` filter).' },
  namespace: text('The namespace.'),
  id: text('The OTP id the message is about.'),
  to: text('The address, as the provider normalised it.'),
  channel: text('The provider\'s channel name.'),
  subject: text('The rendered subject.'),
  body: text('The rendered body, exactly as a real provider would have been given it.'),
  otp: text('The code the message carries.'),
  at: { type: 'string', format: 'date-time', description: 'When the message was kept.' },
} as const satisfies Record<keyof OutboxMessage, JsonSchema>;

const VERIFIED_OTP_PROPERTIES = {
  ...OTP_PROPERTIES,
  token: {
    type: 'string', pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$',
    description: 'The signed result token (a compact JWS, `typ` otpgateway-result+jwt), verifiable with GET /.well-known/jwks.json; ' +
      'only when the gateway has [signing] keys and the OTP is verified.',
  },
} as const satisfies Record<keyof VerifiedOtp, JsonSchema>;

function closedObject(properties: Record<string, JsonSchema>, description: string): JsonSchema {
  return { type: 'object', description, properties, required: Object.keys(properties), additionalProperties: false };
}

/** `components.schemas` of the document; routes refer to them with `ref()`. */
export const COMPONENT_SCHEMAS = {
  Otp: closedObject(OTP_PROPERTIES, 'An OTP, without its code.'),
  CreatedOtp: closedObject(CREATED_OTP_PROPERTIES, 'An OTP with its code, as the create that made it answers.'),
  OutboxMessage: closedObject(OUTBOX_MESSAGE_PROPERTIES, 'A message the outbox provider kept instead of delivering it.'),
  VerifiedOtp: {
    ...closedObject(VERIFIED_OTP_PROPERTIES, 'An OTP, without its code, plus a signed result token once verified (with [signing] keys).'),
    required: Object.keys(OTP_PROPERTIES),
  },
  LockedData: closedObject(
    { ttl_seconds: count('Seconds until the record expires.'), attempts: count('Attempts made.'), max_attempts: count('Attempts allowed.') },
    'Why a record is locked (create or regenerate of a locked OTP).',
  ),
  FieldData: closedObject({ field: text('The request field that is missing or malformed.') }, 'Which field to fix.'),
  RetryData: closedObject({ retry_after_seconds: count('Seconds until a retry can pass (also in Retry-After).') }, 'When to retry.'),
  QuotaData: closedObject({ max_otps: count('Live OTPs a namespace may hold (app.max_otps_per_namespace).') }, 'The quota that is full.'),
  CountryData: closedObject(
    { field: text('Always `to`.'), country: text('ISO 3166-1 alpha-2 code of the number\'s country, or "" when it belongs to none.') },
    'The country that is not allowed.',
  ),
  ExtraSizeData: closedObject(
    { field: text('Always `extra`.'), max_bytes: count('Longest `extra` accepted, in bytes of its JSON (app.max_extra_bytes).') },
    'The size limit `extra` went over.',
  ),
} satisfies Record<string, JsonSchema>;

/** A reference to one of COMPONENT_SCHEMAS. */
export function ref(name: keyof typeof COMPONENT_SCHEMAS): JsonSchema {
  return { $ref: `#/components/schemas/${name}` };
}

/** The `data` an error carries, by code (codes not listed carry none). */
export const ERROR_DATA: Partial<Record<ErrorCode, JsonSchema>> = {
  invalid_field: ref('FieldData'),
  incorrect_otp: ref('Otp'),
  attempts_exceeded: ref('LockedData'),
  generate_limit: ref('LockedData'),
  rate_limited: ref('RetryData'),
  namespace_full: ref('QuotaData'),
  extra_too_large: ref('ExtraSizeData'),
  country_not_allowed: ref('CountryData'),
};

/** Path parameters of the routes, by name (`:id`). */
export const PATH_PARAMETERS: Record<string, { description: string; schema: JsonSchema }> = {
  id: {
    description: 'The OTP id, chosen by the caller: 6 to 128 characters of A-Z a-z 0-9 - _ . : @.',
    schema: { type: 'string', pattern: ID_PATTERN.source },
  },
};
