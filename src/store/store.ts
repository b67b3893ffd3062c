/**
 * The Store contract: every lifecycle step that reads and writes is one atomic
 * operation. Implementations (memory, Redis) pass the same contract tests in
 * tests/store/store-contract.ts.
 *
 * The store treats `to`, `code` and `codeDigest` as opaque strings: sealing
 * (encryption) and hashing happen in the OTP service before they get here.
 */

/** Where an OTP lives: ids are unique only inside a namespace. */
export interface OtpKey {
  namespace: string;
  id: string;
}

/** The fields the caller sets on create/regenerate. */
export interface OtpFields {
  to: string;
  channelDescription: string;
  addressDescription: string;
  /** JSON text of the caller's `extra` value. */
  extra: string;
  provider: string;
  /** The code, sealed (encrypted when `app.secret_key` is set); kept for resends. */
  code: string;
  /** Digest of the code, compared on verify. */
  codeDigest: string;
  /** JSON text of the OTP's own attributes set at create time (otp/types.ts `OtpMeta`); opaque to the store, `{}` when none. */
  meta: string;
  /** The attempt budget this request asks for; absent: the record's own on a regeneration, the default on a new record. */
  maxAttempts?: number;
  /** The send budget this request asks for; absent: as maxAttempts. */
  maxGenerate?: number;
}

/** The budgets a new record gets when the request sets none. */
export interface BudgetDefaults {
  maxAttempts: number;
  maxGenerate: number;
}

/** A stored OTP record with its counters and the seconds left before it expires. */
export interface StoredOtp extends OtpKey, Omit<OtpFields, 'maxAttempts' | 'maxGenerate'> {
  maxAttempts: number;
  maxGenerate: number;
  attempts: number;
  generate: number;
  closed: boolean;
  /** The provider that accepted the last message ("" before the first delivery). */
  deliveredVia: string;
  ttlSeconds: number;
}

/** Result of create-or-regenerate. */
export type UpsertResult =
  | { kind: 'created'; otp: StoredOtp }
  | { kind: 'regenerated'; otp: StoredOtp }
  | { kind: 'locked'; otp: StoredOtp }
  /** A store with a cap on records per namespace (the memory store) refused a new record; `limit` is the cap. */
  | { kind: 'full'; limit: number };

/** Result of a verification attempt. */
export type VerifyResult =
  | { kind: 'verified'; otp: StoredOtp }
  | { kind: 'incorrect'; otp: StoredOtp }
  | { kind: 'locked'; otp: StoredOtp }
  | { kind: 'not_found' };

/** Result of setting the address of a record created without one. */
export type SetAddressResult =
  | { kind: 'updated'; otp: StoredOtp }
  | { kind: 'address_already_set'; otp: StoredOtp }
  | { kind: 'not_found' };

/** Result of a resend (same code, counted against the send budget). */
export type ResendResult =
  | { kind: 'resend'; otp: StoredOtp }
  | { kind: 'locked'; otp: StoredOtp }
  | { kind: 'closed'; otp: StoredOtp }
  /** The record has no address yet: nothing was counted. */
  | { kind: 'no_address'; otp: StoredOtp }
  | { kind: 'not_found' };

/** One counter of a send budget (sms-pumping defence): its key, without the store's prefix, and its limit. */
export interface SendCounter {
  /** Every counter of one `countSends` call carries the same Redis Cluster hash tag (`{…}`), so they share a slot. */
  key: string;
  limit: number;
}

/** Result of counting one send against several counters. */
export type CountSendsResult =
  /** Every counter took the send; `counts` are their values after it, in the order given. */
  | { kind: 'counted'; counts: number[] }
  /** Counter `index` was already at its limit: nothing was counted; its window ends in `retryAfterMs`. */
  | { kind: 'over'; index: number; retryAfterMs: number };

/** Check/close events published for compat with the Go otpgateway. */
export interface StoreEvent {
  type: 'check' | 'close';
  namespace: string;
  id: string;
  data: unknown;
}

/** The persistence contract of the OTP lifecycle. */
export interface Store {
  /** Short name for logs ("memory", "redis"). */
  readonly name: string;
  /**
   * Create a record (attempts 0, generate 1, budgets from `fields` or `defaults`) or
   * regenerate an unexpired one (fields replaced, budgets kept unless `fields` sets them,
   * closed false, ttl restarted, generate + 1, attempts kept), unless it is locked
   * (attempts >= max without success, or generate >= maxGenerate) or its attempt
   * budget would leave no attempt (attempts >= the new or kept maxAttempts).
   */
  upsert(key: OtpKey, fields: OtpFields, ttlSeconds: number, defaults: BudgetDefaults): Promise<UpsertResult>;
  /**
   * Count one attempt atomically and compare digests. A closed record with the
   * right digest verifies again without spending an attempt. On success the
   * record is closed, and deleted unless `skipDelete`.
   */
  verify(key: OtpKey, codeDigest: string, options: { skipDelete: boolean }): Promise<VerifyResult>;
  /** Read a record without changing it. */
  get(key: OtpKey): Promise<StoredOtp | null>;
  /** Read a record and delete it when it is closed (one-shot confirmation). */
  takeIfClosed(key: OtpKey): Promise<StoredOtp | null>;
  /** Delete a record whatever its state; false when there was none. */
  delete(key: OtpKey): Promise<boolean>;
  /** Set `to` on a record that has none (the address page). Never extends the ttl. */
  setAddress(key: OtpKey, to: string): Promise<SetAddressResult>;
  /**
   * Count one more send of the same code if the send budget allows and the
   * record has an address (checked in the same atomic step, before counting). Never extends the ttl.
   */
  resend(key: OtpKey): Promise<ResendResult>;
  /** Note which provider accepted the last message; nothing when the record is gone. Never extends the ttl. */
  recordDelivery(key: OtpKey, via: string): Promise<void>;
  /**
   * Count one send against every counter, all or none, atomically: when any is at its limit
   * nothing is counted. A counter's fixed window starts at its first count and its key expires
   * with the window (shared by every process on Redis; one process on the memory store).
   */
  countSends(counters: readonly SendCounter[], windowMs: number): Promise<CountSendsResult>;
  /** Publish a check/close event (no-op unless the store supports and is configured for it). */
  publish(event: StoreEvent): Promise<void>;
  /** Resolve when the store answers; reject when it does not. */
  ping(): Promise<void>;
  /** Release connections and timers. */
  close(): Promise<void>;
}
