import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type { z } from 'zod';
import { applyRenamedKeys, isTable } from './compat';
import { EMBEDDED_DEFAULTS } from './defaults';
import { configSchema, type Config } from './schema';

type Table = Record<string, unknown>;

/** A config that cannot be used: one line per problem, each naming the dotted key. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** What loading produced. */
export interface LoadedConfig {
  config: Config;
  /** Unknown keys and similar non-fatal remarks, one sentence each. */
  warnings: string[];
  /** The files read, in order; empty when the embedded defaults were used. */
  files: string[];
  /** True when no file was found and the embedded defaults apply. */
  embedded: boolean;
  /** Folders relative template paths are resolved against (config files' folders, then cwd). */
  baseDirs: string[];
}

/** Where config comes from: files (in order; later wins), then environment overrides. */
export interface LoadOptions {
  /** `--config` values; empty means "config.toml in cwd if present". */
  files: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
}

const ENV_PREFIX = 'OTP_GATEWAY_';

/** Load, merge, override and validate the configuration; throws ConfigError naming every bad key. */
export function loadConfig(options: LoadOptions): LoadedConfig {
  const cwd = options.cwd ?? process.cwd();
  const problems: string[] = [];
  let files = options.files.map((f) => path.resolve(cwd, f));
  let embedded = false;
  if (files.length === 0) {
    const fallback = path.join(cwd, 'config.toml');
    if (existsSync(fallback)) files = [fallback];
    else embedded = true;
  }

  const raw: Table = embedded ? structuredClone(EMBEDDED_DEFAULTS) : {};
  for (const file of files) {
    try {
      deepMerge(raw, parseToml(readFileSync(file, 'utf8')) as Table);
    } catch (err) {
      problems.push(`${path.relative(cwd, file) || file}: ${describeFileError(err)}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);

  applyEnvOverrides(raw, options.env);
  applyRenamedKeys(raw);
  const { config, warnings } = validate(raw);
  return { config: deepFreeze(config), warnings, files, embedded, baseDirs: [...files.map((f) => path.dirname(f)), cwd] };
}

/** Validate a raw (merged) table; unknown keys become warnings, everything else a ConfigError. */
export function validate(raw: Table): { config: Config; warnings: string[] } {
  const warnings: string[] = [];
  let result = configSchema.safeParse(raw);
  if (!result.success) {
    const unknown = result.error.issues.filter((i) => i.code === 'unrecognized_keys');
    for (const issue of unknown) {
      for (const key of issue.keys) {
        warnings.push(`${dotted([...issue.path, key])}: unknown key, ignored`);
        removeKey(raw, [...issue.path, key]);
      }
    }
    if (unknown.length > 0) result = configSchema.safeParse(raw);
  }
  if (!result.success) throw new ConfigError(result.error.issues.map(formatIssue));
  for (const [id, table] of Object.entries(raw.providers ?? {})) {
    if (isTable(table) && table.enabled === undefined) {
      warnings.push(`providers.${id}.enabled: not set, so the provider is disabled (set enabled = true to use it)`);
    }
  }
  return { config: result.data, warnings };
}

/** Apply OTP_GATEWAY_A__B__C=value as a.b.c = value (keys matched case-insensitively). */
export function applyEnvOverrides(raw: Table, env: NodeJS.ProcessEnv): void {
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || name.slice(0, ENV_PREFIX.length).toUpperCase() !== ENV_PREFIX) continue;
    const parts = name.slice(ENV_PREFIX.length).split('__').filter(Boolean);
    if (parts.length === 0) continue;
    let target = raw;
    for (const [i, part] of parts.entries()) {
      const key = Object.keys(target).find((k) => k.toLowerCase() === part.toLowerCase()) ?? part.toLowerCase();
      if (i === parts.length - 1) {
        target[key] = envScalar(value);
      } else {
        if (!isTable(target[key])) target[key] = {};
        target = target[key] as Table;
      }
    }
  }
}

/** Read an environment value as a TOML scalar when it looks like a number or a boolean. */
function envScalar(value: string): unknown {
  if (value === 'true' || value === 'false') return value === 'true';
  if (/^-?\d+$/.test(value) && Number.isSafeInteger(Number(value))) return Number(value);
  if (/^-?\d+\.\d+$/.test(value)) return Number(value);
  if (value.startsWith('[') && value.endsWith(']')) {
    try {
      return (parseToml(`v = ${value}`) as Table).v;
    } catch {
      return value;
    }
  }
  return value;
}

function deepMerge(target: Table, source: Table): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (isTable(existing) && isTable(value)) deepMerge(existing, value);
    else target[key] = value;
  }
}

function removeKey(root: Table, keyPath: PropertyKey[]): void {
  let t: unknown = root;
  for (const part of keyPath.slice(0, -1)) t = isTable(t) ? t[String(part)] : undefined;
  if (isTable(t)) delete t[String(keyPath[keyPath.length - 1])];
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const where = dotted(issue.path);
  const message = issue.code === 'invalid_type' && issue.expected === 'object' ? 'expected a table' : issue.message;
  return where ? `${where}: ${message}` : message;
}

function dotted(keyPath: PropertyKey[]): string {
  return keyPath.map(String).join('.');
}

function describeFileError(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && err.code === 'ENOENT') return 'file not found';
  const message = err instanceof Error ? err.message : String(err);
  return `not valid TOML: ${message.split('\n')[0]}`;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
