import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import type { z } from 'zod';
import { applyRenamedKeys, isTable } from './compat';
import { EMBEDDED_DEFAULTS, embeddedAddressProblem } from './defaults';
import { applyEnvOverrides, envOrigin } from './env';
import { ConfigError, shown } from '../config-fields';
import { configSchema, type Config } from './schema';
import { unknownKeyWarning } from './unknown-keys';
import { describeTomlError } from './toml-errors';
import { weakSecretProblems } from './secrets';

type Table = Record<string, unknown>;

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
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
      deepMerge(raw, parseToml(text) as Table);
    } catch (err) {
      problems.push(`${path.relative(cwd, file) || file}: ${describeFileError(err, text)}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const origins = applyEnvOverrides(raw, options.env);
  applyRenamedKeys(raw);
  const { config, warnings } = validate(raw, { envOrigins: origins, embedded });
  const exposed = embedded ? embeddedAddressProblem(config.app.address, envOrigin(origins, 'app.address')) : undefined;
  if (exposed) throw new ConfigError([exposed], warnings);
  return { config: deepFreeze(config), warnings, files, embedded, baseDirs: [...files.map((f) => path.dirname(f)), cwd] };
}

/**
 * Validate a raw (merged) table; unknown keys become warnings, everything else
 * a ConfigError. `envOrigins` (dotted key → variable) names the environment
 * variable behind a bad value; `embedded`: the raw table holds the embedded
 * development defaults, whose published secret is allowed (they listen on loopback only).
 */
export function validate(
  raw: Table,
  options: { envOrigins?: ReadonlyMap<string, string>; embedded?: boolean } = {},
): { config: Config; warnings: string[] } {
  const warnings: string[] = [];
  let result = configSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    const unknown = result.error.issues.filter((i) => i.code === 'unrecognized_keys');
    for (const issue of unknown) {
      for (const key of issue.keys) {
        warnings.push(unknownKeyWarning(configSchema, issue.path, key));
        removeKey(raw, [...issue.path, key]);
      }
    }
    if (unknown.length > 0) result = configSchema.safeParse(raw, { reportInput: true });
  }
  const origins = options.envOrigins ?? new Map<string, string>();
  const problems = result.success ? [] : result.error.issues.map((issue) => formatIssue(issue, origins));
  for (const { key, message } of weakSecretProblems(raw.auth, { embedded: options.embedded === true })) problems.push(withOrigin(key, message, origins));
  if (!result.success || problems.length > 0) throw new ConfigError(problems, warnings);
  for (const [id, table] of Object.entries(raw.providers ?? {})) {
    if (isTable(table) && table.enabled === undefined) {
      warnings.push(`providers.${id}.enabled: not set, so the provider is disabled (set enabled = true to use it)`);
    }
  }
  return { config: result.data, warnings };
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

function formatIssue(issue: z.core.$ZodIssue, envOrigins: ReadonlyMap<string, string>): string {
  const message = issue.code === 'invalid_type' && issue.expected === 'object' ? `expected a table, got ${shown(issue.input)}` : issue.message;
  return withOrigin(dotted(issue.path), message, envOrigins);
}

/** `key: message`, naming the environment variable when the value came from one. */
function withOrigin(where: string, message: string, envOrigins: ReadonlyMap<string, string>): string {
  const variable = envOrigin(envOrigins, where);
  const line = where ? `${where}: ${message}` : message;
  return variable ? `${line} (set by the environment variable ${variable})` : line;
}

function dotted(keyPath: PropertyKey[]): string {
  return keyPath.map(String).join('.');
}

function describeFileError(err: unknown, text: string): string {
  if (err && typeof err === 'object' && 'code' in err) {
    if (err.code === 'ENOENT') return 'file not found';
    if (err.code === 'EACCES') return 'permission denied';
    if (err.code === 'EISDIR') return 'is a folder, expected a TOML file';
  }
  if (err instanceof TomlError) return describeTomlError(err, text);
  return `cannot be read: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
