import { isIP } from 'node:net';

/** Names Express's `trust proxy` accepts besides addresses and CIDRs. */
const NAMED = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * The entries of `app.trusted_proxies` that are not an IP address, a CIDR
 * ("10.0.0.0/8", "fd00::/8") or one of Express's names. Express would
 * otherwise throw an unexplained "invalid IP address" at startup.
 */
export function invalidProxyEntries(entries: readonly string[]): string[] {
  return entries.filter((entry) => {
    if (NAMED.has(entry)) return false;
    const [address, bits, rest] = entry.split('/');
    const family = isIP(address ?? '');
    if (family === 0 || rest !== undefined) return true;
    if (bits === undefined) return false;
    const max = family === 4 ? 32 : 128;
    return !/^\d{1,3}$/.test(bits) || Number(bits) > max;
  });
}
