/** The providers to try for one address: those of the longest matching E.164 prefix, else the route's own list. */
export function membersFor(address: string, fallback: readonly string[], prefixes: ReadonlyMap<string, readonly string[]>): readonly string[] {
  let best: string | undefined;
  for (const prefix of prefixes.keys()) {
    if (address.startsWith(prefix) && (best === undefined || prefix.length > best.length)) best = prefix;
  }
  return (best !== undefined && prefixes.get(best)) || fallback;
}

/** The list rotated to start after `after` (the provider that delivered last), wrapping around; unchanged when it is not in the list. */
export function startAfter(members: readonly string[], after: string | undefined): readonly string[] {
  const i = after === undefined ? -1 : members.indexOf(after);
  if (i < 0) return members;
  return [...members.slice(i + 1), ...members.slice(0, i + 1)];
}
