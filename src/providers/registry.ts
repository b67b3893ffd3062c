import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config-fields';
import type { Channels } from '../otp/channels';
import type { Logger } from '../log/logger';
import { packagedSource, readPackagedText } from '../assets';
import { compileMessageTemplate, TemplateError, type MessageTemplate } from '../templates/render';
import { providerChannel } from './channel';
import { PROVIDER_KIND_IDS, PROVIDER_KINDS, WEBHOOK_KIND, type ProviderKindId, type ProviderKindTables, type TableOf } from './kinds';
import { ProviderSetupError, type CommonProviderConfig, type Provider, type ProviderKind } from './provider';
import { errorMessage } from '../errors';

/** An enabled provider as a channel (see channel.ts). */
export type EnabledProvider = ReturnType<typeof providerChannel>;

/** The enabled providers, built once at startup: the gateway's channels. */
export class ProviderRegistry implements Channels {
  private readonly byId: ReadonlyMap<string, EnabledProvider>;
  private readonly disabled: ReadonlySet<string>;
  /** Sorted ids, computed once (GET /api/providers). */
  readonly ids: readonly string[];

  constructor(providers: EnabledProvider[], disabled: Iterable<string> = []) {
    this.byId = new Map(providers.map((p) => [p.id, p]));
    this.disabled = new Set(disabled);
    this.ids = Object.freeze([...this.byId.keys()].sort());
  }

  /** The enabled provider with this id, if any. */
  get(id: string): EnabledProvider | undefined {
    return this.byId.get(id);
  }

  isDisabled(id: string): boolean {
    return this.disabled.has(id);
  }

  /** Close every provider's pooled connections. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.byId.values()].map((p) => p.provider.close?.()));
  }
}

/** The `[providers.*]` and `[webhooks.*]` tables, as the config schema validated them. */
export interface ProviderTables {
  providers: ProviderKindTables;
  webhooks: Readonly<Record<string, TableOf<typeof WEBHOOK_KIND>>>;
}

/**
 * Build every enabled provider and compile its templates. Every problem is a
 * config error naming its key: `providers.ID: …` (or `providers.ID.KEY: …`)
 * when the provider cannot be built, `providers.ID.subject` / `.template` when
 * a template cannot be read or compiled.
 */
export function buildProviders(tables: ProviderTables, options: { logger: Logger; baseDirs: string[] }): ProviderRegistry {
  const problems: string[] = [];
  const enabled: EnabledProvider[] = [];
  const disabled: string[] = [];
  const build = <C extends CommonProviderConfig>(section: string, id: string, kind: ProviderKind<C>, table: C | undefined): void => {
    if (!table) return;
    if (!table.enabled) return void disabled.push(id);
    const built = buildOne(`${section}.${id}`, id, kind, table, options);
    if (typeof built === 'string') problems.push(built);
    else enabled.push(built);
  };
  for (const id of PROVIDER_KIND_IDS) buildKind(id, tables.providers, build);
  for (const [id, table] of Object.entries(tables.webhooks)) build('webhooks', id, WEBHOOK_KIND, table);
  if (problems.length > 0) {
    // Release what was built before reporting, so a failed start leaves no open pools behind.
    for (const built of enabled) void built.provider.close?.();
    throw new ConfigError(problems);
  }
  return new ProviderRegistry(enabled, disabled);
}

type Build = <C extends CommonProviderConfig>(section: string, id: string, kind: ProviderKind<C>, table: C | undefined) => void;

/** One built-in kind with its own table type (a generic over the id keeps kind and table together). */
function buildKind<K extends ProviderKindId>(id: K, tables: ProviderKindTables, build: Build): void {
  build('providers', id, PROVIDER_KINDS[id], tables[id]);
}

/** Build one provider and compile its templates; a string is the config problem that stopped it. */
function buildOne<C extends CommonProviderConfig>(key: string, id: string, kind: ProviderKind<C>, table: C, options: { logger: Logger; baseDirs: string[] }): EnabledProvider | string {
  let provider: Provider;
  try {
    provider = kind.create(table, { id, logger: options.logger.child({ provider: id }) });
  } catch (err) {
    return setupProblem(key, err);
  }
  try {
    const body = table.template ? readTemplate(table.template, options.baseDirs) : provider.defaultTemplate;
    const template = compileMessageTemplate({ subject: table.subject || provider.defaultSubject, body, html: provider.bodyFormat === 'html', name: key });
    return providerChannel(provider, template);
  } catch (err) {
    void provider.close?.();
    const part = err instanceof TemplateError ? err.part : 'template';
    return `${key}.${part}: ${errorMessage(err)}`;
  }
}

/** `providers.ID.KEY: …` for a ProviderSetupError, `providers.ID: …` for any other construction error. */
function setupProblem(key: string, err: unknown): string {
  if (err instanceof ProviderSetupError) return `${key}.${err.key}: ${err.message}`;
  return `${key}: ${errorMessage(err)}`;
}

/**
 * Read a template file, relative to the config file's folder, the working directory, then the package
 * (the user's files stay on disk; only the package's own come from the single executable's assets).
 */
function readTemplate(file: string, baseDirs: string[]): string {
  const candidates = path.isAbsolute(file) ? [file] : baseDirs.map((dir) => path.join(dir, file));
  const found = candidates.find((c) => existsSync(c));
  if (!found) {
    const packaged = path.isAbsolute(file) ? undefined : readPackaged(file);
    if (packaged !== undefined) return packaged;
    const looked = [...new Set(candidates.map((c) => path.dirname(c)))];
    if (!path.isAbsolute(file)) looked.push(packagedSource());
    throw new Error(`template file ${JSON.stringify(file)} not found (looked in ${looked.join(', ')})`);
  }
  try {
    return readFileSync(found, 'utf8');
  } catch (err) {
    throw new Error(`cannot read template file ${JSON.stringify(found)}: ${errorMessage(err)}`);
  }
}

/** A template shipped with the gateway (e.g. templates/email.html), or undefined. */
function readPackaged(file: string): string | undefined {
  try {
    return readPackagedText(file);
  } catch (err) {
    throw new Error(`cannot read template file ${JSON.stringify(file)} from ${packagedSource()}: ${errorMessage(err)}`);
  }
}
