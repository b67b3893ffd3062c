import type { OtpKey } from '../store/store';
import type { DeliveryTry } from './channels';
import type { Otp } from './types';

/**
 * What happens to OTPs, as the core reports it (results.md names the same
 * seven events). Metrics, event webhooks and anything else that watches OTPs
 * subscribe with a listener; the core does not know who listens. A delivery
 * through a route also lists, in `tries`, each provider it tried.
 */
export type OtpEvent =
  | { type: 'otp.created'; otp: Otp }
  | { type: 'otp.sent'; otp: Otp; provider: string; seconds: number; tries?: readonly DeliveryTry[] }
  | { type: 'otp.delivery_failed'; otp: Otp; provider: string; seconds: number; reason: string; tries?: readonly DeliveryTry[] }
  | { type: 'otp.failed_attempt'; otp: Otp }
  | { type: 'otp.locked'; otp: Otp }
  | { type: 'otp.verified'; otp: Otp }
  | { type: 'otp.cancelled'; key: OtpKey };

/**
 * Told of every event, synchronously, after the step happened. A listener
 * must be quick and must not throw (one that does is logged and skipped);
 * slow work (HTTP calls) goes to a queue of its own.
 */
export type OtpEventListener = (event: OtpEvent) => void;
