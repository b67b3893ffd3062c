import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { canonicalLanguageTag } from './i18n/tags';

/**
 * The vocabulary of configuration, shared by every part that declares keys
 * (the config schema, each provider's table, rate limits, metrics): field
 * validators, `host:port` parsing, and the error a bad config raises.
 *
 * Field validators for the config schema. Each accepts what a Go otpgateway
 * config or an environment variable may hold (strings for ports, Go duration
 * strings, numbers as seconds) and, when wrong, says what it expected and what
 * it got, e.g. `expected an integer 1-65535, got "abc"`.
 */

/** A schema that reads an unknown TOML value into T. */
export type Field<T> = z.ZodType<T, unknown>;

/** Describe a received value for an error message. */
export function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'a table';
}

function field<T>(fallback: T, read: (value: unknown) => T | undefined, expected: string): Field<T> {
  // The preprocess wrapper makes zod run the transform for absent keys too (zod 4 skips optional-input schemas).
  return z.preprocess(
    (value) => value,
    z.unknown().transform((value, ctx) => {
      if (value === undefined) return fallback;
      const parsed = read(value);
      if (parsed !== undefined) return parsed;
      ctx.addIssue({ code: 'custom', message: `expected ${expected}, got ${shown(value)}` });
      return z.NEVER;
    }),
  );
}

/** Any string (numbers are accepted and turned into text, as Go's loader does). */
export function text(fallback = ''): Field<string> {
  return field(fallback, (v) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined), 'a string');
}

/** true/false (also "true"/"false" from the environment). */
export function bool(fallback: boolean): Field<boolean> {
  return field(
    fallback,
    (v) => (typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : undefined),
    'true or false',
  );
}

/** A whole number in [min, max]; numeric strings accepted. */
export function int(fallback: number, min: number, max: number): Field<number> {
  return field(fallback, (v) => wholeNumber(v, min, max), `an integer ${min}-${max}`);
}

/** A TCP port, as a number or a string (the Go sample writes `port = "6379"`). */
export function port(fallback: number): Field<number> {
  return int(fallback, 1, 65535);
}

/** One of a fixed set of words, case-insensitive; yields the canonical spelling. */
export function oneOf<const T extends string>(fallback: T, values: readonly T[]): Field<T> {
  return field(
    fallback,
    (v) => (typeof v === 'string' ? values.find((x) => x.toLowerCase() === v.toLowerCase()) : undefined),
    `one of ${values.map((x) => `"${x}"`).join(', ')}`,
  );
}

/** A language tag ("de", "pt-BR"), canonicalised; with `optional`, "" (none) too. */
export function languageTag(fallback: string, options: { optional?: boolean } = {}): Field<string> {
  return field(
    fallback,
    (v) => (typeof v !== 'string' ? undefined : options.optional && v.trim() === '' ? '' : canonicalLanguageTag(v)),
    `a language tag such as "de" or "pt-BR"${options.optional ? ' (or "" for none)' : ''}`,
  );
}

/** A list of strings; a single string is read as a one-element list. */
export function textList(fallback: string[] = []): Field<string[]> {
  return field(
    fallback,
    (v) =>
      typeof v === 'string'
        ? v.split(',').map((s) => s.trim()).filter(Boolean)
        : Array.isArray(v) && v.every((x) => typeof x === 'string')
          ? (v as string[])
          : undefined,
    'a list of strings',
  );
}

/**
 * A duration in milliseconds: a Go duration string ("5s", "500ms", "1m30s")
 * or a number of seconds.
 */
export function duration(fallback: string, maxMs = 24 * 3600 * 1000): Field<number> {
  const parse = (v: unknown): number | undefined => {
    const ms = typeof v === 'number' ? (Number.isFinite(v) && v >= 0 ? v * 1000 : undefined) : typeof v === 'string' ? parseGoDuration(v) : undefined;
    return ms !== undefined && ms <= maxMs ? ms : undefined;
  };
  return field(parse(fallback) ?? 0, parse, `a duration such as "5s", "500ms" or "1m"`);
}

/** Whole seconds in [min, max], as a number or a Go duration string ("5m"). */
export function seconds(fallback: number, min: number, max: number): Field<number> {
  return field(
    fallback,
    (v) => {
      const n = typeof v === 'string' && /[a-z]/i.test(v) ? (parseGoDuration(v) ?? NaN) / 1000 : v;
      return wholeNumber(n, min, max);
    },
    `a whole number of seconds ${min}-${max} (or a duration such as "5m")`,
  );
}

/** An absolute http(s) URL without a trailing slash; empty allowed when `optional`. */
export function url(fallback: string, options: { optional?: boolean } = {}): Field<string> {
  return field(
    fallback,
    (v) => {
      if (typeof v !== 'string') return undefined;
      if (v === '' && options.optional) return '';
      try {
        const u = new URL(v);
        return u.protocol === 'http:' || u.protocol === 'https:' ? v.replace(/\/+$/, '') : undefined;
      } catch {
        return undefined;
      }
    },
    options.optional ? 'an http(s) URL or ""' : 'an http(s) URL',
  );
}

function wholeNumber(v: unknown, min: number, max: number): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
  return Number.isInteger(n) && n >= min && n <= max ? n : undefined;
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parse a Go duration string ("1h2m3.5s", "500ms") into milliseconds; undefined when invalid. */
export function parseGoDuration(input: string): number | undefined {
  const s = input.trim();
  if (s === '0') return 0;
  const part = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = part.exec(s); m; m = part.exec(s)) {
    total += Number(m[1]) * (UNIT_MS[m[2] as string] ?? 0);
    matched = part.lastIndex;
  }
  return matched === s.length && matched > 0 ? total : undefined;
}

/** A config that cannot be used: one line per problem, each naming the dotted key. */
export class ConfigError extends Error {
  readonly problems: string[];
  /** Non-fatal remarks found on the way (unknown keys often explain a problem). */
  readonly warnings: string[];
  constructor(problems: string[], warnings: string[] = []) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
    this.warnings = warnings;
  }
}

/** Split "host:port" (":9000" means every interface); undefined when malformed. */
export function parseAddress(address: string): { host: string; port: number } | undefined {
  const m = /^(.*):(\d{1,5})$/.exec(address.trim());
  if (!m) return undefined;
  const portNumber = Number(m[2]);
  if (portNumber > 65535) return undefined; // 0 = any free port (tests)
  const host = (m[1] ?? '').replace(/^\[(.*)\]$/, '$1');
  return { host: host || '0.0.0.0', port: portNumber };
}

/** A file's text, or why it cannot be read (`file not found`, `permission denied`…), for a config check that names its key. */
export function readConfigFile(file: string): { text: string } | { unreadable: string } {
  try {
    return { text: readFileSync(file, 'utf8') };
  } catch (err) {
    // Not instanceof Error: errors from another realm (a vm context, jest) are not.
    const code = typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
    const reason = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a folder' : 'cannot be read';
    return { unreadable: `${JSON.stringify(file)}: ${reason}` };
  }
}
