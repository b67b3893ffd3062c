/**
 * Go otpgateway v3 config compatibility: keys that were renamed are moved to
 * their current names before validation, so old files load unchanged.
 */

type Table = Record<string, unknown>;

/** [table path, old key, new key]; `*` matches every sub-table. */
const RENAMED: [string[], string, string][] = [
  [['app'], 'otp_max_resends', 'otp_max_generate'],
  [['store', 'redis'], 'user', 'username'],
  [['store', 'redis'], 'prefix', 'key_prefix'],
  [['providers', '*'], 'request_timeout', 'timeout'],
  [['webhooks', '*'], 'request_timeout', 'timeout'],
];

/** Move renamed keys in place (the new name wins when both are set). */
export function applyRenamedKeys(raw: Table): void {
  for (const [tablePath, from, to] of RENAMED) {
    for (const target of tablesAt(raw, tablePath)) {
      if (from in target) {
        if (!(to in target)) target[to] = target[from];
        delete target[from];
      }
    }
  }
}

function tablesAt(root: Table, path: string[]): Table[] {
  let level: Table[] = [root];
  for (const part of path) {
    const next: Table[] = [];
    for (const t of level) {
      const children = part === '*' ? Object.values(t) : [t[part]];
      for (const c of children) if (isTable(c)) next.push(c);
    }
    level = next;
  }
  return level;
}

/** A plain TOML table (not an array or a date). */
export function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
