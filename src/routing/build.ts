import { ConfigError } from '../config-fields';
import type { Logger } from '../log/logger';
import type { Channel, Channels } from '../otp/channels';
import { Breaker, type BreakerState } from './breaker';
import type { RouteConfig } from './config';
import { routeChannel } from './route-channel';

/** The built routes: their channels, and their breakers for the state gauge. */
export interface BuiltRoutes {
  channels: Channel[];
  /** One entry per route and provider that has a breaker. */
  breakers: { route: string; provider: string; state(): BreakerState }[];
}

/** Names a route may not take: built-in provider ids and webhook names. */
export interface TakenNames {
  providerKinds: readonly string[];
  webhooks: readonly string[];
}

/**
 * Build every `[routes.NAME]` over the enabled providers (`members`: the provider registry). Every problem is a
 * config error naming its key: a name clash (`routes.NAME`), an unknown,
 * disabled or nested member (`routes.NAME.providers`, `routes.NAME.prefixes.+91`),
 * members that take different kinds of address.
 */
export function buildRoutes(tables: Readonly<Record<string, RouteConfig>>, members: Channels, taken: TakenNames, logger: Logger): BuiltRoutes {
  const problems: string[] = [];
  const built: BuiltRoutes = { channels: [], breakers: [] };
  for (const [name, table] of Object.entries(tables)) {
    const key = `routes.${name}`;
    if (taken.providerKinds.includes(name)) problems.push(`${key}: "${name}" is also the id of the built-in provider [providers.${name}]; choose another route name`);
    if (taken.webhooks.includes(name)) problems.push(`${key}: "${name}" is also the name of [webhooks.${name}]; choose another route name`);
    const byId = new Map<string, Channel>();
    const resolve = (listKey: string, ids: readonly string[]): void => {
      for (const id of ids) {
        const member = members.get(id);
        if (member) byId.set(id, member);
        else problems.push(`${listKey}: ${memberProblem(id, members, tables)}`);
      }
    };
    resolve(`${key}.providers`, table.providers);
    for (const [prefix, ids] of Object.entries(table.prefixes)) resolve(`${key}.prefixes.${prefix}`, ids);
    const odd = oddKinds(byId);
    if (odd) problems.push(`${key}.providers: ${odd}`);
    // With any problem the start fails: no need to build what would be thrown away.
    if (problems.length > 0) continue;
    const breakers = new Map<string, Breaker>();
    if (table.breaker) {
      for (const id of byId.keys()) {
        const breaker = new Breaker({ failures: table.breaker.failures, cooldownMs: table.breaker.cooldown });
        breakers.set(id, breaker);
        built.breakers.push({ route: name, provider: id, state: () => breaker.state() });
      }
    }
    built.channels.push(
      routeChannel({
        name,
        members: table.providers.map((id) => byId.get(id)).filter((m): m is Channel => m !== undefined),
        prefixes: new Map(Object.entries(table.prefixes)),
        byId,
        timeoutMs: table.timeout,
        breakers,
        logger: logger.child({ route: name }),
      }),
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return built;
}

/** Why `id` cannot be a member. */
function memberProblem(id: string, members: Channels, routes: Readonly<Record<string, RouteConfig>>): string {
  if (members.isDisabled(id)) return `"${id}" is disabled: set enabled = true in its table, or remove it from the route`;
  if (id in routes) return `"${id}" is a route: a route lists providers and webhooks, not other routes`;
  const enabled = members.ids.length > 0 ? `enabled: ${members.ids.join(', ')}` : 'none is enabled';
  return `"${id}" is not a provider or webhook of this gateway (${enabled})`;
}

/** Every member must take the same kind of address as the first; the odd ones, named, or undefined. */
function oddKinds(byId: ReadonlyMap<string, Channel>): string | undefined {
  const all = [...byId.values()];
  const [first] = all;
  if (!first) return undefined;
  const kind = (c: Channel): string => c.addressKind ?? 'text';
  const odd = all.filter((c) => kind(c) !== kind(first));
  if (odd.length === 0) return undefined;
  const named = odd.map((c) => `"${c.id}" takes ${KIND_NAMES[kind(c)] ?? kind(c)}`).join(', ');
  return `${named}, but "${first.id}" takes ${KIND_NAMES[kind(first)] ?? kind(first)}: every provider of a route must take the same kind of address`;
}

const KIND_NAMES: Record<string, string> = { phone: 'phone numbers', email: 'e-mail addresses', text: 'any text (webhooks, log)' };
