import { parse as parseToml } from 'smol-toml';
import { isTable } from './compat';

type Table = Record<string, unknown>;

/** Prefix of the environment variables that override config keys. */
export const ENV_PREFIX = 'OTP_GATEWAY_';

/**
 * Apply `OTP_GATEWAY_A__B__C=value` as `a.b.c = value`. Each level matches an
 * existing key case-insensitively (so `OTP_GATEWAY_AUTH__MYAPP__SECRET` reaches
 * `[auth.MyApp]`); new keys are lower-cased. Returns dotted key → variable name,
 * so that a bad value can be blamed on the variable that set it.
 */
export function applyEnvOverrides(raw: Table, env: NodeJS.ProcessEnv): Map<string, string> {
  const origins = new Map<string, string>();
  // Sorted so that the outcome does not depend on the order of the environment block.
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (value === undefined || name.slice(0, ENV_PREFIX.length).toUpperCase() !== ENV_PREFIX) continue;
    const parts = name.slice(ENV_PREFIX.length).split('__').filter(Boolean);
    if (parts.length === 0) continue;
    let target = raw;
    const keyPath: string[] = [];
    for (const [i, part] of parts.entries()) {
      const key = Object.keys(target).find((k) => k.toLowerCase() === part.toLowerCase()) ?? part.toLowerCase();
      keyPath.push(key);
      if (i === parts.length - 1) {
        target[key] = envScalar(value);
      } else {
        if (!isTable(target[key])) target[key] = {};
        target = target[key] as Table;
      }
    }
    origins.set(keyPath.join('.'), name);
  }
  return origins;
}

/**
 * Read an environment value as a TOML scalar when it is one exactly: `true`,
 * `false`, or a number written the way TOML and JavaScript both print it. Anything
 * else stays text, so a secret such as "0123" or "1.50" keeps its spelling.
 */
export function envScalar(value: string): unknown {
  if (value === 'true' || value === 'false') return value === 'true';
  if (/^-?\d+(\.\d+)?$/.test(value)) {
    const n = Number(value);
    if (Number.isFinite(n) && String(n) === value) return n;
    return value;
  }
  if (value.startsWith('[') && value.endsWith(']')) {
    try {
      return (parseToml(`v = ${value}`) as Table).v;
    } catch {
      return value;
    }
  }
  return value;
}

/** The variable that set `dottedKey` or one of its parent tables, if any. */
export function envOrigin(origins: ReadonlyMap<string, string>, dottedKey: string): string | undefined {
  for (let key = dottedKey; key; key = key.includes('.') ? key.slice(0, key.lastIndexOf('.')) : '') {
    const name = origins.get(key);
    if (name) return name;
  }
  return undefined;
}
