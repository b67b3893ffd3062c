import { AppError, incorrectOtp, invalidField, notVerified, otpNotFound, recordLocked, tooManyAttempts } from '../errors';
import type { Logger } from '../log/logger';
import type { OtpKey, Store, StoredOtp } from '../store/store';
import type { Channel, Channels } from './channels';
import { randomDigits, randomId, type Sealer } from './crypto';
import { createSender, type SendGuard } from './send';
import type { OtpEvent, OtpEventListener } from './events';
import type { RedirectTarget, ResultTokens } from './results';
import type { CreatedOtp, CreateRequest, Otp, OtpMeta, PageOtp, VerifiedOtp } from './types';
import { parseMeta, toView } from './view';

/** Defaults from `[app]` that the lifecycle needs. */
export interface OtpSettings {
  rootUrl: string;
  ttlSeconds: number;
  maxAttempts: number;
  maxGenerate: number;
  /** Publish check/close events (Redis `publish_key` set). */
  publishEvents: boolean;
  /** Longest `extra` accepted, in bytes of its JSON text (`app.max_extra_bytes`); absent: no cap. */
  maxExtraBytes?: number;
  /** Each namespace's `redirect_uris` (the redirect flow); absent or empty: none. */
  redirectUris?: ReadonlyMap<string, readonly string[]>;
}

/** Everything the lifecycle depends on. */
export interface OtpServiceDeps {
  store: Store;
  channels: Channels;
  sealer: Sealer;
  settings: OtpSettings;
  logger: Logger;
  /** Checks run before each delivery, in order; each throws (e.g. a 429) to refuse it. */
  sendGuards?: readonly SendGuard[];
  /**
   * Decides whether a code may go to this address at all (SMS pumping: allowed countries,
   * send budgets), before the record is stored, a budget of the record spent, or anything sent.
   */
  sendPolicy?: SendGuard;
  /** Told of everything that happens to OTPs (metrics, event webhooks). */
  listeners?: readonly OtpEventListener[];
  /** Signs result tokens (`[signing]`); absent: no tokens, and no redirect flow or nonce. */
  tokens?: ResultTokens;
}

/**
 * The OTP lifecycle: create, verify, status, cancel, and the page steps
 * (set address, resend). Knows nothing about HTTP; throws AppError.
 */
export class OtpService {
  private readonly deps: OtpServiceDeps;
  private readonly listeners: readonly OtpEventListener[];
  private readonly sender: ReturnType<typeof createSender>;

  constructor(deps: OtpServiceDeps) {
    this.deps = deps;
    this.listeners = deps.listeners ?? [];
    this.sender = createSender({ rootUrl: deps.settings.rootUrl, guards: deps.sendGuards ?? [], logger: deps.logger, emit: (e) => this.emit(e) });
  }

  /** Create or regenerate an OTP and, when it has an address, send it. Returns the OTP with its code. */
  async create(namespace: string, id: string | undefined, request: CreateRequest): Promise<CreatedOtp> {
    const { store, sealer, settings } = this.deps;
    const channel = this.channel(request.provider);
    const to = request.to ? this.normaliseAddress(channel, request.to) : '';
    const extra = this.extraText(request.extra);
    this.checkResultFields(namespace, request.meta ?? {});
    const key = { namespace, id: id ?? randomId() };
    const code = request.otp ?? randomDigits(channel.otpLength);
    if (to) await this.admit(namespace, channel, to);
    const result = await store.upsert(
      key,
      {
        to: sealer.seal(to),
        channelDescription: request.channelDescription,
        addressDescription: request.addressDescription,
        extra,
        provider: request.provider,
        code: sealer.seal(code),
        codeDigest: sealer.codeDigest(key.namespace, key.id, code),
        meta: JSON.stringify(request.meta ?? {}),
        // Absent: a regeneration keeps the record's own budgets, a new record gets the defaults.
        maxAttempts: request.maxAttempts,
        maxGenerate: request.maxGenerate,
      },
      request.ttlSeconds ?? settings.ttlSeconds,
      { maxAttempts: settings.maxAttempts, maxGenerate: settings.maxGenerate },
    );
    if (result.kind === 'full') {
      throw new AppError('namespace_full', `This namespace already holds ${result.limit} live OTPs, the most this gateway keeps per namespace ` +
        '(app.max_otps_per_namespace). Wait for some to expire, or delete finished ones with DELETE /api/otp/:id.', { data: { max_otps: result.limit } });
    }
    if (result.kind === 'locked') {
      this.emit({ type: 'otp.locked', otp: this.view(result.otp) });
      throw recordLocked(result.otp);
    }
    const stored = this.view(result.otp);
    this.emit({ type: 'otp.created', otp: stored });
    const view = { ...stored, otp: code };
    if (to) view.delivered_via = await this.send(channel, view, to, request.meta ?? {}, result.otp.deliveredVia);
    return view;
  }

  /** Verify a code typed by the user; each call spends one attempt. */
  async verify(key: OtpKey, code: string, options: { skipDelete: boolean }): Promise<VerifiedOtp> {
    const result = await this.deps.store.verify(key, this.deps.sealer.codeDigest(key.namespace, key.id, code), options);
    if (result.kind === 'not_found') throw otpNotFound();
    const view = this.view(result.otp);
    if (this.deps.settings.publishEvents) await this.publish('check', key, view);
    if (result.kind === 'locked') {
      this.emit({ type: 'otp.locked', otp: view });
      throw tooManyAttempts(result.otp.ttlSeconds);
    }
    if (result.kind === 'incorrect') {
      this.emit({ type: 'otp.failed_attempt', otp: view });
      throw incorrectOtp(view);
    }
    this.emit({ type: 'otp.verified', otp: view });
    if (this.deps.settings.publishEvents) await this.publish('close', key, null);
    return this.withToken(view, result.otp.meta);
  }

  /** The OTP when the user finished verifying (with a fresh result token under `[signing]`); 400 otherwise. */
  async status(key: OtpKey): Promise<VerifiedOtp> {
    const otp = await this.deps.store.get(key);
    return this.withToken(this.closedView(otp), otp?.meta ?? '');
  }

  /** Where the redirect flow of this OTP returns the browser; `found` false when the OTP does not exist (any more). */
  async redirectOf(key: OtpKey): Promise<{ found: boolean; target?: RedirectTarget }> {
    const otp = await this.deps.store.get(key);
    return otp ? { found: true, target: parseMeta(otp.meta).redirect } : { found: false };
  }

  /** True when this namespace lists `uri` among its `redirect_uris`, byte for byte. */
  allowsRedirect(namespace: string, uri: string): boolean {
    return (this.deps.settings.redirectUris?.get(namespace) ?? []).includes(uri);
  }

  /** Like status, and deletes a closed record (one-shot confirmation). */
  async confirm(key: OtpKey): Promise<Otp> {
    return this.closedView(await this.deps.store.takeIfClosed(key));
  }

  /** Delete an OTP whatever its state. */
  async cancel(key: OtpKey): Promise<true> {
    if (!(await this.deps.store.delete(key))) throw otpNotFound();
    this.emit({ type: 'otp.cancelled', key });
    return true;
  }

  /** The OTP (without its code) for the pages, or null when it does not exist. */
  async find(key: OtpKey): Promise<Otp | null> {
    const otp = await this.deps.store.get(key);
    return otp ? this.view(otp) : null;
  }

  /** Like find, plus the shape of the code (length, digits only) so the code page can size its input. */
  async findForPage(key: OtpKey): Promise<PageOtp | null> {
    const otp = await this.deps.store.get(key);
    if (!otp) return null;
    const code = this.deps.sealer.open(otp.code);
    const meta = parseMeta(otp.meta);
    return { otp: this.view(otp), codeLength: code.length, numeric: /^\d+$/.test(code), lang: meta.lang, redirect: meta.redirect };
  }

  /** The OTP's own language (OtpMeta.lang), or undefined when it has none or does not exist. */
  async languageOf(key: OtpKey): Promise<string | undefined> {
    const otp = await this.deps.store.get(key);
    return otp ? parseMeta(otp.meta).lang : undefined;
  }

  /** The address page: store the address of an OTP created without one, then send the code. */
  async setAddress(key: OtpKey, to: string): Promise<Otp> {
    const { store, sealer } = this.deps;
    const existing = await store.get(key);
    if (!existing) throw otpNotFound();
    const channel = this.channel(existing.provider);
    const address = this.normaliseAddress(channel, to);
    if (!existing.to) await this.admit(key.namespace, channel, address);
    const result = await store.setAddress(key, sealer.seal(address));
    if (result.kind === 'not_found') throw otpNotFound();
    if (result.kind === 'address_already_set') throw new AppError('address_already_set', 'The address of this OTP is already set.');
    const view = this.view(result.otp);
    view.delivered_via = await this.send(channel, { ...view, otp: sealer.open(result.otp.code) }, address, parseMeta(result.otp.meta), result.otp.deliveredVia);
    return view;
  }

  /** Send the same code again, if the send budget allows. */
  async resend(key: OtpKey): Promise<Otp> {
    const { store, sealer } = this.deps;
    // The policy needs the address; a record the store would refuse anyway (gone, closed, locked, no address) is left to it.
    const existing = this.deps.sendPolicy ? await store.get(key) : null;
    const sendable = existing && existing.to && !existing.closed && existing.generate < existing.maxGenerate && existing.attempts < existing.maxAttempts;
    if (sendable) {
      await this.admit(key.namespace, this.channel(existing.provider), sealer.open(existing.to));
    }
    const result = await store.resend(key);
    if (result.kind === 'not_found') throw otpNotFound();
    if (result.kind === 'locked') throw recordLocked(result.otp);
    // Refused by the store before it counted a send (an OTP created without `to`).
    if (result.kind === 'no_address') throw new AppError('no_address', 'This OTP has no address to send to yet.');
    const view = this.view(result.otp);
    if (result.kind === 'closed') return view;
    const channel = this.channel(result.otp.provider);
    view.delivered_via = await this.send(channel, { ...view, otp: this.deps.sealer.open(result.otp.code) }, view.to, parseMeta(result.otp.meta), result.otp.deliveredVia);
    return view;
  }

  /** The enabled channel with this id (pages use it for labels). */
  channelFor(id: string): Channel | undefined {
    return this.deps.channels.get(id);
  }

  private channel(id: string): Channel {
    const { channels } = this.deps;
    const channel = channels.get(id);
    if (channel) return channel;
    const enabled = channels.ids.length > 0 ? `Enabled providers: ${channels.ids.join(', ')}.` : 'No provider is enabled on this gateway.';
    const why = channels.isDisabled(id) ? `${JSON.stringify(id)} exists but is disabled on this gateway.` : `${JSON.stringify(id)} is not a provider of this gateway.`;
    throw invalidField('provider', `Unknown provider: ${why} ${enabled}`);
  }

  /** The JSON text of `extra`, refused (413) when longer than `maxExtraBytes`: every record is kept in full until it expires. */
  private extraText(extra: unknown): string {
    const text = JSON.stringify(extra ?? {});
    const max = this.deps.settings.maxExtraBytes;
    if (max !== undefined && Buffer.byteLength(text) > max) {
      throw new AppError('extra_too_large', `\`extra\` is too long: at most ${max} bytes of JSON (app.max_extra_bytes), got ${Buffer.byteLength(text)}.`, {
        data: { field: 'extra', max_bytes: max },
      });
    }
    return text;
  }

  /** The redirect flow and `nonce` need a signer; `redirect_uri` must be one the namespace lists (never an open redirect). */
  private checkResultFields(namespace: string, meta: OtpMeta): void {
    if (!meta.redirect && meta.nonce === undefined) return;
    const field = meta.redirect ? 'redirect_uri' : 'nonce';
    if (!this.deps.tokens) throw invalidField(field, `\`${field}\` needs signed result tokens, and this gateway has no [signing] keys.`);
    if (meta.redirect && !this.allowsRedirect(namespace, meta.redirect.uri)) {
      throw invalidField('redirect_uri', 'Invalid `redirect_uri`: it must equal, byte for byte, one of this namespace\'s redirect_uris ([auth.*] redirect_uris in the config).');
    }
  }

  /** The OTP plus a result token when it is verified and the gateway signs. */
  private async withToken(otp: Otp, metaText: string): Promise<VerifiedOtp> {
    const { tokens } = this.deps;
    if (!tokens || !otp.closed) return otp;
    const channel = this.deps.channels.get(otp.provider)?.labels.channelName ?? otp.provider;
    return { ...otp, token: await tokens.issue(otp, { channel, nonce: parseMeta(metaText).nonce }) };
  }

  private normaliseAddress(channel: Channel, to: string): string {
    const check = channel.validateAddress(to);
    if (!check.ok) throw invalidField('to', `Invalid \`to\` address: ${check.reason}`);
    if (check.address.length > channel.maxAddressLength) {
      throw invalidField('to', `Invalid \`to\` address: it is longer than ${channel.maxAddressLength} characters.`);
    }
    return check.address;
  }

  /** The send policy's verdict on one send (the one place it is asked), before the store counts or keeps anything. */
  private async admit(namespace: string, channel: Channel, address: string): Promise<void> {
    await this.deps.sendPolicy?.(namespace, channel, address);
  }

  /**
   * Deliver (a route starts after `lastVia`, the provider that accepted the last message), and remember
   * which provider accepted it when that is not the channel itself (a route member). Returns that provider.
   */
  private async send(channel: Channel, otp: CreatedOtp, to: string, meta: OtpMeta, lastVia: string): Promise<string> {
    const receipt = await this.sender.send(channel, otp, to, { lang: meta.lang, after: lastVia || undefined });
    if (receipt.via !== channel.id && receipt.via !== lastVia) await this.deps.store.recordDelivery({ namespace: otp.namespace, id: otp.id }, receipt.via);
    return receipt.via;
  }

  private closedView(otp: StoredOtp | null): Otp {
    if (!otp) throw otpNotFound();
    if (!otp.closed) throw notVerified();
    return this.view(otp);
  }

  private view(otp: StoredOtp): Otp {
    // A provider delivers by itself (its `delivered_via` is its own id); a route stores the member that delivered.
    const deliversItself = this.deps.channels.get(otp.provider)?.members === undefined;
    return toView(otp, { rootUrl: this.deps.settings.rootUrl, sealer: this.deps.sealer, deliversItself });
  }

  private emit(event: OtpEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.deps.logger.error({ err, event: event.type }, 'an OTP event listener failed');
      }
    }
  }

  private async publish(type: 'check' | 'close', key: OtpKey, data: Otp | null): Promise<void> {
    try {
      await this.deps.store.publish({ type, namespace: key.namespace, id: key.id, data });
    } catch (err) {
      this.deps.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not publish store event');
    }
  }
}
