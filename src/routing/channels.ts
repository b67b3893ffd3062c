import type { Channel, Channels } from '../otp/channels';

/**
 * The gateway's channels: the enabled providers and the routes over them, in
 * one namespace of ids (a clash is a config error, build.ts). `ids` lists both
 * (GET /api/providers).
 */
export function withRoutes(providers: Channels, routes: readonly Channel[]): Channels {
  if (routes.length === 0) return providers;
  const byId = new Map(routes.map((r) => [r.id, r]));
  return {
    ids: Object.freeze([...providers.ids, ...byId.keys()].sort()),
    get: (id) => byId.get(id) ?? providers.get(id),
    isDisabled: (id) => providers.isDisabled(id),
  };
}
