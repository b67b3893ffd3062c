import ipaddr from 'ipaddr.js';

/**
 * The subject the per-client page limit counts: an IPv4 address as it is
 * (IPv4-mapped IPv6 `::ffff:a.b.c.d` included), and an IPv6 client by its /64,
 * the smallest block a provider hands one customer: keyed on the whole
 * address, a host with a /64 would have 2^64 budgets. Anything that is not an
 * address (a proxy's odd X-Forwarded-For entry) is its own subject.
 */
export function clientKey(ip: string): string {
  let address: ReturnType<typeof ipaddr.process>;
  try {
    address = ipaddr.process(ip);
  } catch {
    return ip;
  }
  if (address instanceof ipaddr.IPv4) return address.toString();
  return `${address.parts.slice(0, 4).map((part) => part.toString(16)).join(':')}::/64`;
}
