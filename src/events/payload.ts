import type { OtpEvent } from '../otp/events';

/** The body of one event webhook (results.md "Event webhooks"). */
export interface EventBody {
  type: OtpEvent['type'];
  namespace: string;
  id: string;
  /** RFC 3339 time of the event. */
  at: string;
  /** The OTP object (never the code), plus `provider` and, for failures, `reason`. */
  data: Record<string, unknown>;
}

/** The webhook body of an OTP event. The core's events carry the OTP without its code, so no code can reach a receiver. */
export function eventBody(event: OtpEvent, at: Date): EventBody {
  const base = { type: event.type, at: at.toISOString() };
  switch (event.type) {
    case 'otp.cancelled':
      return { ...base, namespace: event.key.namespace, id: event.key.id, data: {} };
    case 'otp.sent':
      return { ...base, namespace: event.otp.namespace, id: event.otp.id, data: { ...event.otp, provider: event.provider } };
    case 'otp.delivery_failed':
      return { ...base, namespace: event.otp.namespace, id: event.otp.id, data: { ...event.otp, provider: event.provider, reason: event.reason } };
    default:
      return { ...base, namespace: event.otp.namespace, id: event.otp.id, data: { ...event.otp } };
  }
}
