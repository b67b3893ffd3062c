import {
  AppError,
  attemptsExceeded,
  errorMessage,
  incorrectOtp,
  invalidInput,
  notVerified,
  otpNotFound,
  sendFailed,
  tooManyAttempts,
  unknownProvider,
} from '../errors';
import type { Logger } from '../logger';
import type { GatewayMetrics } from '../metrics/metrics';
import type { OtpView } from '../providers/provider';
import type { EnabledProvider, ProviderRegistry } from '../providers/registry';
import type { OtpKey, Store, StoredOtp } from '../store/store';
import { redactCode } from '../security/redact';
import { randomDigits, randomId, type Sealer } from './crypto';
import { pageUrl, toView } from './view';

/** Defaults from `[app]` that the lifecycle needs. */
export interface OtpSettings {
  rootUrl: string;
  ttlSeconds: number;
  maxAttempts: number;
  maxGenerate: number;
  /** Publish check/close events (Redis `publish_key` set). */
  publishEvents: boolean;
}

/** A create/regenerate request, already validated for shape by the HTTP layer. */
export interface CreateRequest {
  provider: string;
  to: string;
  channelDescription: string;
  addressDescription: string;
  /** Caller-chosen code; a random one of the provider's length when absent. */
  otp?: string;
  ttlSeconds?: number;
  maxAttempts?: number;
  maxGenerate?: number;
  extra: unknown;
}

/** An OTP as the pages see it: no code, only its length and whether it is all digits. */
export interface PageOtp {
  otp: OtpView;
  codeLength: number;
  numeric: boolean;
}

/** Called before each delivery; throws (e.g. a 429) to refuse it. Used by rate limits. */
export type SendGuard = (namespace: string, address: string) => Promise<void>;

/** Everything the lifecycle depends on. */
export interface OtpServiceDeps {
  store: Store;
  providers: ProviderRegistry;
  sealer: Sealer;
  settings: OtpSettings;
  logger: Logger;
  beforeSend?: SendGuard;
  /** Counters and delivery latency (`[metrics]`); absent = not recorded. */
  metrics?: GatewayMetrics;
}

/**
 * The OTP lifecycle: create, verify, status, cancel, and the page steps
 * (set address, resend). Knows nothing about HTTP; throws AppError.
 */
export class OtpService {
  private readonly deps: OtpServiceDeps;

  constructor(deps: OtpServiceDeps) {
    this.deps = deps;
  }

  /** Create or regenerate an OTP and, when it has an address, send it. Returns the OTP with its code. */
  async create(namespace: string, id: string | undefined, request: CreateRequest): Promise<OtpView & { otp: string }> {
    const { store, sealer, settings } = this.deps;
    const enabled = this.provider(request.provider);
    const to = request.to ? this.normaliseAddress(enabled, request.to) : '';
    const key = { namespace, id: id ?? randomId() };
    const code = request.otp ?? randomDigits(enabled.provider.otpLength);
    const result = await store.upsert(
      key,
      {
        to: sealer.seal(to),
        channelDescription: request.channelDescription,
        addressDescription: request.addressDescription,
        extra: JSON.stringify(request.extra ?? {}),
        provider: request.provider,
        code: sealer.seal(code),
        codeDigest: sealer.codeDigest(key.namespace, key.id, code),
        maxAttempts: request.maxAttempts ?? settings.maxAttempts,
        maxGenerate: request.maxGenerate ?? settings.maxGenerate,
      },
      request.ttlSeconds ?? settings.ttlSeconds,
    );
    if (result.kind === 'locked') {
      this.deps.metrics?.locked(namespace, request.provider);
      throw attemptsExceeded(result.otp.ttlSeconds, result.otp.attempts, result.otp.maxAttempts);
    }
    this.deps.metrics?.created(namespace, request.provider);
    const view = { ...this.view(result.otp), otp: code };
    if (to) await this.send(enabled, view, to);
    return view;
  }

  /** Verify a code typed by the user; each call spends one attempt. */
  async verify(key: OtpKey, code: string, options: { skipDelete: boolean }): Promise<OtpView> {
    const result = await this.deps.store.verify(key, this.deps.sealer.codeDigest(key.namespace, key.id, code), options);
    if (result.kind === 'not_found') throw otpNotFound();
    const view = this.view(result.otp);
    if (this.deps.settings.publishEvents) await this.publish('check', key, view);
    if (result.kind === 'locked') {
      this.deps.metrics?.locked(key.namespace, result.otp.provider);
      throw tooManyAttempts(result.otp.ttlSeconds);
    }
    if (result.kind === 'incorrect') {
      this.deps.metrics?.wrongCode(key.namespace, result.otp.provider);
      throw incorrectOtp(view);
    }
    this.deps.metrics?.verified(key.namespace, result.otp.provider);
    if (this.deps.settings.publishEvents) await this.publish('close', key, null);
    return view;
  }

  /** The OTP when the user finished verifying; 400 otherwise. */
  async status(key: OtpKey): Promise<OtpView> {
    return this.closedView(await this.deps.store.get(key));
  }

  /** Like status, and deletes a closed record (one-shot confirmation). */
  async confirm(key: OtpKey): Promise<OtpView> {
    return this.closedView(await this.deps.store.takeIfClosed(key));
  }

  /** Delete an OTP whatever its state. */
  async cancel(key: OtpKey): Promise<true> {
    if (!(await this.deps.store.delete(key))) throw otpNotFound();
    return true;
  }

  /** The OTP (without its code) for the pages, or null when it does not exist. */
  async find(key: OtpKey): Promise<OtpView | null> {
    const otp = await this.deps.store.get(key);
    return otp ? this.view(otp) : null;
  }

  /** Like find, plus the shape of the code (length, digits only) so the code page can size its input. */
  async findForPage(key: OtpKey): Promise<PageOtp | null> {
    const otp = await this.deps.store.get(key);
    if (!otp) return null;
    const code = this.deps.sealer.open(otp.code);
    return { otp: this.view(otp), codeLength: code.length, numeric: /^\d+$/.test(code) };
  }

  /** The address page: store the address of an OTP created without one, then send the code. */
  async setAddress(key: OtpKey, to: string): Promise<OtpView> {
    const { store, sealer } = this.deps;
    const existing = await store.get(key);
    if (!existing) throw otpNotFound();
    const enabled = this.provider(existing.provider);
    const address = this.normaliseAddress(enabled, to);
    const result = await store.setAddress(key, sealer.seal(address));
    if (result.kind === 'not_found') throw otpNotFound();
    if (result.kind === 'address_already_set') {
      throw new AppError({ status: 409, code: 'address_already_set', message: 'The address of this OTP is already set.' });
    }
    const view = this.view(result.otp);
    await this.send(enabled, { ...view, otp: sealer.open(result.otp.code) }, address);
    return view;
  }

  /** Send the same code again, if the send budget allows. */
  async resend(key: OtpKey): Promise<OtpView> {
    const result = await this.deps.store.resend(key);
    if (result.kind === 'not_found') throw otpNotFound();
    if (result.kind === 'locked') throw attemptsExceeded(result.otp.ttlSeconds, result.otp.attempts, result.otp.maxAttempts);
    const view = this.view(result.otp);
    if (result.kind === 'closed') return view;
    if (!view.to) throw invalidInput('This OTP has no address to send to yet.');
    await this.send(this.provider(result.otp.provider), { ...view, otp: this.deps.sealer.open(result.otp.code) }, view.to);
    return view;
  }

  /** The enabled provider with this id (pages use it for labels). */
  providerFor(id: string): EnabledProvider | undefined {
    return this.deps.providers.get(id);
  }

  private provider(id: string): EnabledProvider {
    const enabled = this.deps.providers.get(id);
    if (!enabled) throw unknownProvider();
    return enabled;
  }

  private normaliseAddress(enabled: EnabledProvider, to: string): string {
    const check = enabled.provider.validateAddress(to);
    if (!check.ok) throw invalidInput(`Invalid \`to\` address: ${check.reason}`);
    if (check.address.length > enabled.provider.maxAddressLength) {
      throw invalidInput(`Invalid \`to\` address: it is longer than ${enabled.provider.maxAddressLength} characters.`);
    }
    return check.address;
  }

  private async send(enabled: EnabledProvider, otp: OtpView & { otp: string }, to: string): Promise<void> {
    const { provider, template } = enabled;
    await this.deps.beforeSend?.(otp.namespace, to);
    const rendered = template.render({
      to,
      namespace: otp.namespace,
      channel: provider.channelName,
      otp: otp.otp,
      otp_url: `${pageUrl(this.deps.settings.rootUrl, otp.namespace, otp.id)}?action=check&otp=${encodeURIComponent(otp.otp)}`,
      ttl_seconds: otp.ttl,
      ttl_minutes: Math.max(1, Math.ceil(otp.ttl / 60)),
      extra: otp.extra,
    });
    const started = performance.now();
    try {
      await provider.send({ to, subject: rendered.subject, body: rendered.body, text: rendered.text, otp });
      this.deps.metrics?.sent(otp.namespace, provider.id, (performance.now() - started) / 1000);
    } catch (err) {
      this.deps.metrics?.deliveryFailed(otp.namespace, provider.id, (performance.now() - started) / 1000);
      // The upstream's reason stays in the log; the caller gets a generic 502.
      this.deps.logger.error(
        { provider: provider.id, namespace: otp.namespace, id: otp.id, err: redactCode(errorMessage(err), otp.otp) },
        'delivery failed',
      );
      throw sendFailed();
    }
  }

  private closedView(otp: StoredOtp | null): OtpView {
    if (!otp) throw otpNotFound();
    if (!otp.closed) throw notVerified();
    return this.view(otp);
  }

  private view(otp: StoredOtp): OtpView {
    return toView(otp, { rootUrl: this.deps.settings.rootUrl, sealer: this.deps.sealer });
  }

  private async publish(type: 'check' | 'close', key: OtpKey, data: OtpView | null): Promise<void> {
    try {
      await this.deps.store.publish({ type, namespace: key.namespace, id: key.id, data });
    } catch (err) {
      this.deps.logger.warn({ err: errorMessage(err) }, 'could not publish store event');
    }
  }
}
