import { invalidField } from '../../errors';
import type { OutboxFilter } from '../../outbox/outbox';
import type { FieldDoc } from './types';

/** `limit` and `wait` bounds of outbox.md. */
const MAX_LIMIT = 1000;
const DEFAULT_LIMIT = 50;
const MAX_WAIT_SECONDS = 30;

/** What `GET /api/outbox` asks: the filter and how long to wait for a first match. */
export interface OutboxQuery {
  filter: OutboxFilter;
  /** Seconds to long-poll when nothing matches yet; 0: answer at once. */
  waitSeconds: number;
}

/** Parse `to`, `id`, `since`, `limit` and `wait` from a raw query string; a bad value is a 400 naming it. */
export function parseOutboxQuery(search: string): OutboxQuery {
  const query = new URLSearchParams(search);
  const to = query.get('to') ?? undefined;
  const id = query.get('id') ?? undefined;
  const since = wholeNumber(query, 'since', 0, Number.MAX_SAFE_INTEGER);
  const limit = wholeNumber(query, 'limit', 1, MAX_LIMIT) ?? DEFAULT_LIMIT;
  const waitSeconds = wholeNumber(query, 'wait', 0, MAX_WAIT_SECONDS) ?? 0;
  return { filter: { to: to || undefined, id: id || undefined, since, limit }, waitSeconds };
}

function wholeNumber(query: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  const value = /^\d{1,16}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw invalidField(name, `Invalid \`${name}\` value: must be a whole number between ${min} and ${max}.`);
  }
  return value;
}

/** The query parameters, for the OpenAPI document. */
export const OUTBOX_QUERY: readonly FieldDoc[] = [
  { name: 'to', description: 'Only messages to this address (normalised like the provider does: `+1 415 555 2671` finds `+14155552671`).', json: { type: 'string' } },
  { name: 'id', description: 'Only messages of this OTP id.', json: { type: 'string' } },
  { name: 'since', description: 'Only messages with a greater `seq` (the newest `seq` a client has seen).', json: { type: 'integer', minimum: 0 } },
  { name: 'limit', description: `At most this many, newest first (1-${MAX_LIMIT}, default ${DEFAULT_LIMIT}).`, json: { type: 'integer', minimum: 1, maximum: MAX_LIMIT } },
  {
    name: 'wait',
    description: `Seconds (0-${MAX_WAIT_SECONDS}) to wait for a first matching message when none is there yet; the answer comes as soon as one arrives, or with \`[]\` when the time is up.`,
    json: { type: 'integer', minimum: 0, maximum: MAX_WAIT_SECONDS },
  },
];
