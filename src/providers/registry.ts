import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/schema';
import { ConfigError } from '../config/load';
import type { Logger } from '../logger';
import { PACKAGE_ROOT } from '../paths';
import { compileMessageTemplate, type MessageTemplate } from '../templates/render';
import { PROVIDER_KINDS, WEBHOOK_KIND } from './kinds';
import type { CommonProviderConfig, Provider, ProviderKind } from './provider';

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
 * Build every enabled provider and compile its templates. Template files that
 * cannot be read or compiled are config errors naming the key.
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
    try {
      const provider = kind.create(table, { id, logger: options.logger.child({ provider: id }) });
      const body = table.template ? readTemplate(table.template, options.baseDirs) : provider.defaultTemplate;
      const template = compileMessageTemplate({
        subject: table.subject || provider.defaultSubject,
        body,
        html: provider.bodyFormat === 'html',
        name: key,
      });
      enabled.push({ provider, template });
    } catch (err) {
      problems.push(`${key}.${table.template ? 'template' : 'subject'}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return new ProviderRegistry(enabled);
}

/** Read a template file, relative to the config file's folder, the working directory, then the package. */
function readTemplate(file: string, baseDirs: string[]): string {
  const candidates = path.isAbsolute(file) ? [file] : [...baseDirs, PACKAGE_ROOT].map((dir) => path.join(dir, file));
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`cannot read template file ${JSON.stringify(file)}: not found`);
  return readFileSync(found, 'utf8');
}
