import { createHmac } from 'node:crypto';

/**
 * `X-OTPGateway-Signature: t=<unix>,sha256=<hex>`: HMAC-SHA256 over
 * `t + "." + body` with the namespace's `events_secret`. The timestamp is
 * signed too, so a receiver that refuses old ones refuses replays.
 */
export function eventSignature(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},sha256=${mac}`;
}
