import { ConfigError } from '../config-fields';
import type { Channels } from '../otp/channels';
import type { Logger } from '../log/logger';
import type { LanguageDefaults } from '../i18n/choose';
import { singleTemplate, type TemplateSet } from '../templates/localized';
import { compileMessageTemplate, TemplateError, type MessageTemplate } from '../templates/render';
import { providerChannel } from './channel';
import { readTemplateFiles, type TemplateFiles } from './template-files';
import { PROVIDER_KIND_IDS, PROVIDER_KINDS, WEBHOOK_KIND, type ProviderKindId, type ProviderKindTables, type TableOf } from './kinds';
import { ProviderSetupError, type CommonProviderConfig, type Provider, type ProviderKind } from './provider';
import { errorMessage } from '../errors';
import type { Outbox } from '../outbox/outbox';

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
export function buildProviders(tables: ProviderTables, options: BuildOptions): ProviderRegistry {
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

/** What building the providers needs besides their tables. */
export interface BuildOptions {
  logger: Logger;
  /** Folders relative template file names are looked up in (the config file's, the working directory). */
  baseDirs: string[];
  /** The default languages of messages (`app.default_language`, `[auth.X] default_language`); English when absent. */
  languages?: LanguageDefaults;
  /** Where the `outbox` provider keeps its messages (gateway.ts makes it from `[store]`). */
  outbox?: Outbox;
}

type Build = <C extends CommonProviderConfig>(section: string, id: string, kind: ProviderKind<C>, table: C | undefined) => void;

/** One built-in kind with its own table type (a generic over the id keeps kind and table together). */
function buildKind<K extends ProviderKindId>(id: K, tables: ProviderKindTables, build: Build): void {
  build('providers', id, PROVIDER_KINDS[id], tables[id]);
}

/** Build one provider and compile its templates; a string is the config problem that stopped it. */
function buildOne<C extends CommonProviderConfig>(key: string, id: string, kind: ProviderKind<C>, table: C, options: BuildOptions): EnabledProvider | string {
  let provider: Provider;
  try {
    provider = kind.create(table, { id, logger: options.logger.child({ provider: id }), outbox: options.outbox });
  } catch (err) {
    return setupProblem(key, err);
  }
  try {
    const compile = (body: string, name = key): MessageTemplate =>
      compileMessageTemplate({ subject: table.subject || provider.defaultSubject, body, html: provider.bodyFormat === 'html', name });
    const templates: TemplateSet = table.template ? compileFiles(readTemplateFiles(table.template, options.baseDirs), compile) : singleTemplate('built-in', compile(provider.defaultTemplate));
    return providerChannel(provider, templates, options.languages ?? { app: 'en', namespaces: new Map() });
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

/** Compile a template file and its language variants; a variant that does not compile is named in the error. */
function compileFiles(files: TemplateFiles, compile: (body: string, name?: string) => MessageTemplate): TemplateSet {
  const variants = new Map([...files.variants].map(([tag, v]) => {
    try {
      return [tag, { name: v.name, template: compile(v.body, v.name) }] as const;
    } catch (err) {
      if (err instanceof TemplateError) throw new TemplateError(err.part, `${v.name}: ${err.message}`);
      throw err;
    }
  }));
  return { base: { name: files.name, template: compile(files.body) }, variants };
}
