import { distance } from 'fastest-levenshtein';
import type { z } from 'zod';
import { PROVIDER_KINDS } from '../providers/kinds';

type Schema = z.core.$ZodType;

/**
 * The warning for a key the schema does not know, with the nearest known key
 * of the same table when one is close enough to be a typo
 * (`app.otp_tll: unknown key, ignored (did you mean app.otp_ttl?)`).
 */
export function unknownKeyWarning(schema: Schema, tablePath: readonly PropertyKey[], key: string): string {
  const where = [...tablePath, key].map(String).join('.');
  const nearest = nearestKey(key, tableKeys(schema, tablePath));
  const guess = nearest === undefined ? '' : `did you mean ${[...tablePath, nearest].map(String).join('.')}?`;
  if (tablePath.length === 1 && tablePath[0] === 'providers') {
    const known = `built-in providers: ${Object.keys(PROVIDER_KINDS).join(', ')}; use [webhooks.NAME] for others`;
    return `${where}: unknown provider, ignored (${guess ? `${guess} ` : ''}${known})`;
  }
  const remark = tablePath.length === 0 ? 'unknown table, ignored' : 'unknown key, ignored';
  return `${where}: ${remark}${guess ? ` (${guess})` : ''}`;
}

/** The candidate closest to `key` by edit distance (case-insensitive), if it is close enough to be a typo of it. */
export function nearestKey(key: string, candidates: readonly string[]): string | undefined {
  // One or two slips in a short key; proportionally more in a long one.
  const limit = Math.max(2, Math.floor(key.length / 4));
  let best: { name: string; d: number } | undefined;
  for (const name of candidates) {
    const d = distance(key.toLowerCase(), name.toLowerCase());
    if (d <= limit && d < key.length && (!best || d < best.d)) best = { name, d };
  }
  return best?.name;
}

/** The keys the table at `tablePath` accepts; [] when the path leads to no table of the schema. */
export function tableKeys(schema: Schema, tablePath: readonly PropertyKey[]): string[] {
  let at: Schema | undefined = unwrap(schema);
  for (const part of tablePath) {
    const next: Schema | undefined = at ? child(at, String(part)) : undefined;
    at = next ? unwrap(next) : undefined;
  }
  const def = at?._zod.def;
  return def?.type === 'object' ? Object.keys((def as z.core.$ZodObjectDef).shape) : [];
}

/** The schema of one entry of a table (object) or of a table of tables (record). */
function child(schema: Schema, key: string): Schema | undefined {
  const def = schema._zod.def;
  if (def.type === 'object') return (def as z.core.$ZodObjectDef).shape[key];
  if (def.type === 'record') return (def as z.core.$ZodRecordDef).valueType;
  return undefined;
}

/** Through the wrappers the config schema uses: preprocess (a pipe into the table), optional and default. */
function unwrap(schema: Schema): Schema {
  let at = schema;
  for (;;) {
    const def = at._zod.def;
    if (def.type === 'pipe') at = (def as z.core.$ZodPipeDef).out;
    else if (def.type === 'optional' || def.type === 'default' || def.type === 'prefault' || def.type === 'nullable') {
      at = (def as z.core.$ZodOptionalDef).innerType;
    } else return at;
  }
}
