import { deliveryFailed, errorMessage } from '../errors';
import type { Logger } from '../log/logger';
import { redactCode } from './redact';
import { DeliveryFailure, type Channel, type DeliveryReceipt, type DeliveryTry } from './channels';
import type { OtpEvent } from './events';
import type { CreatedOtp } from './types';
import { pageUrl } from './view';

/** Called before each delivery with the namespace, the channel and the normalised address; throws (e.g. a 429) to refuse it. */
export type SendGuard = (namespace: string, channel: Channel, address: string) => Promise<void>;

/** What sending needs from the service. */
export interface SenderDeps {
  rootUrl: string;
  guards: readonly SendGuard[];
  logger: Logger;
  emit(event: OtpEvent): void;
}

/**
 * One delivery of a code: the send guards (rate limits) first, then the
 * channel renders and delivers. A failure is logged with the upstream's reason
 * (the code cut out) and answered with a 502 that names the channel, never the reason.
 */
export function createSender(deps: SenderDeps): { send(channel: Channel, otp: CreatedOtp, to: string, options?: SendOptions): Promise<DeliveryReceipt> } {
  return {
    async send(channel, otp, to, { lang, after } = {}) {
      for (const guard of deps.guards) await guard(otp.namespace, channel, to);
      const otpUrl = `${pageUrl(deps.rootUrl, otp.namespace, otp.id)}?action=check&otp=${encodeURIComponent(otp.otp)}`;
      const started = performance.now();
      try {
        const receipt = await channel.deliver({ otp, to, otpUrl, lang, after });
        // The delivery log line: what was sent where, in which language (and for SMS, how many segments); never the code.
        deps.logger.info({ provider: receipt.via, namespace: otp.namespace, id: otp.id, ...receipt.details }, 'otp delivered');
        const tries = receipt.tries && redactTries(receipt.tries, otp.otp);
        deps.emit({ type: 'otp.sent', otp: withoutCode(otp), provider: receipt.via, seconds: (performance.now() - started) / 1000, ...(tries && { tries }) });
        return receipt;
      } catch (err) {
        const reason = redactCode(errorMessage(err), otp.otp);
        const tries = err instanceof DeliveryFailure ? redactTries(err.tries, otp.otp) : undefined;
        deps.emit({ type: 'otp.delivery_failed', otp: withoutCode(otp), provider: channel.id, seconds: (performance.now() - started) / 1000, reason, ...(tries && { tries }) });
        deps.logger.error({ provider: channel.id, namespace: otp.namespace, id: otp.id, err: reason }, 'delivery failed');
        throw deliveryFailed(channel.id);
      }
    },
  };
}

/** What a send may say besides the channel, the OTP and the address. */
export interface SendOptions {
  /** The OTP's own language (OtpMeta.lang). */
  lang?: string;
  /** The provider that accepted the last message (a route starts after it). */
  after?: string;
}

/** The tries with the code cut out of their reasons: events never carry it. */
function redactTries(tries: readonly DeliveryTry[], code: string): DeliveryTry[] {
  return tries.map((t) => (t.reason === undefined ? t : { ...t, reason: redactCode(t.reason, code) }));
}

/** The OTP without its code: events never carry it. */
function withoutCode(otp: CreatedOtp): Omit<CreatedOtp, 'otp'> {
  const { otp: _code, ...rest } = otp;
  return rest;
}
