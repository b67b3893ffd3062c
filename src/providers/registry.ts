import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/schema';
import { ConfigError } from '../config/load';
import type { Logger } from '../logger';
import { packagedSource, readPackagedText } from '../assets';
import { compileMessageTemplate, TemplateError, type MessageTemplate } from '../templates/render';
import { PROVIDER_KINDS, WEBHOOK_KIND } from './kinds';
import { ProviderSetupError, type CommonProviderConfig, type Provider, type ProviderKind } from './provider';
import { errorMessage } from '../errors';

/** An enabled provider with its compiled subject and body. */
export interface EnabledProvider {
  provider: Provider;
  template: MessageTemplate;
}

/** The enabled providers, built once at startup. */
export class ProviderRegistry {
  private readonly byId: ReadonlyMap<string, EnabledProvider>;
  /** Sorted ids, computed once (GET /api/providers). */
  readonly ids: readonly string[];

  constructor(providers: EnabledProvider[]) {
    this.byId = new Map(providers.map((p) => [p.provider.id, p]));
    this.ids = Object.freeze([...this.byId.keys()].sort());
  }

  /** The enabled provider with this id, if any. */
  get(id: string): EnabledProvider | undefined {
    return this.byId.get(id);
  }

  /** Close every provider's pooled connections. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.byId.values()].map((p) => p.provider.close?.()));
  }
}

/**
 * Build every enabled provider and compile its templates. Every problem is a
 * config error naming its key: `providers.ID: …` (or `providers.ID.KEY: …`)
 * when the provider cannot be built, `providers.ID.subject` / `.template` when
 * a template cannot be read or compiled.
 */
export function buildProviders(config: Config, options: { logger: Logger; baseDirs: string[] }): ProviderRegistry {
  const problems: string[] = [];
  const enabled: EnabledProvider[] = [];
  const tables: [string, string, ProviderKind<CommonProviderConfig>, CommonProviderConfig | undefined][] = [
    ...Object.entries(PROVIDER_KINDS).map(
      ([id, kind]) => ['providers', id, kind as unknown as ProviderKind<CommonProviderConfig>, config.providers[id as keyof typeof PROVIDER_KINDS]] as const,
    ),
    ...Object.entries(config.webhooks).map(
      ([id, table]) => ['webhooks', id, WEBHOOK_KIND as unknown as ProviderKind<CommonProviderConfig>, table] as const,
    ),
  ].map((t) => [...t]);

  for (const [section, id, kind, table] of tables) {
    if (!table?.enabled) continue;
    const key = `${section}.${id}`;
    let provider: Provider;
    try {
      provider = kind.create(table, { id, logger: options.logger.child({ provider: id }) });
    } catch (err) {
      problems.push(setupProblem(key, err));
      continue;
    }
    try {
      const body = table.template ? readTemplate(table.template, options.baseDirs) : provider.defaultTemplate;
      const template = compileMessageTemplate({
        subject: table.subject || provider.defaultSubject,
        body,
        html: provider.bodyFormat === 'html',
        name: key,
      });
      enabled.push({ provider, template });
    } catch (err) {
      const part = err instanceof TemplateError ? err.part : 'template';
      problems.push(`${key}.${part}: ${errorMessage(err)}`);
      void provider.close?.();
    }
  }
  if (problems.length > 0) {
    // Release what was built before reporting, so a failed start leaves no open pools behind.
    for (const built of enabled) void built.provider.close?.();
    throw new ConfigError(problems);
  }
  return new ProviderRegistry(enabled);
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
