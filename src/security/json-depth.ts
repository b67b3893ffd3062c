/** How deeply `extra` may nest. Real payloads use a few levels; deeper ones only serve to exhaust the stack. */
export const MAX_JSON_DEPTH = 32;

/**
 * True when a parsed JSON value nests deeper than `max` arrays/objects.
 * A 64 KiB body can nest ~32,000 levels, enough to overflow JSON.stringify's
 * stack (a 500); this check stops descending at `max`, so it cannot overflow itself.
 */
export function jsonTooDeep(value: unknown, max = MAX_JSON_DEPTH): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (max <= 0) return true;
  for (const child of Array.isArray(value) ? value : Object.values(value)) {
    if (jsonTooDeep(child, max - 1)) return true;
  }
  return false;
}
