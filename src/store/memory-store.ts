import { timingSafeEqual } from 'node:crypto';
import { MemoryCounters } from './memory-counters';
import type {
  BudgetDefaults,
  CountSendsResult,
  OtpFields,
  OtpKey,
  ResendResult,
  SendCounter,
  SetAddressResult,
  Store,
  StoredOtp,
  UpsertResult,
  VerifyResult,
} from './store';

interface Entry {
  otp: Omit<StoredOtp, 'ttlSeconds'>;
  expiresAt: number;
}

/** Options of the memory store; `now` exists so tests can move time. */
export interface MemoryStoreOptions {
  now?: () => number;
  /** How often expired records are swept (ms). Reads also expire lazily. */
  sweepIntervalMs?: number;
  /** Most live records one namespace may hold (`app.max_otps_per_namespace`); 0 or absent: no cap. */
  maxPerNamespace?: number;
}

/**
 * The embedded, single-process store. Every method runs synchronously between
 * two awaits, so each lifecycle step is atomic within the process. Not shared
 * between processes: use Redis for more than one worker or instance. One
 * namespace cannot fill the process for every other: new records beyond
 * `maxPerNamespace` are refused.
 */
export class MemoryStore implements Store {
  readonly name = 'memory';
  private readonly entries = new Map<string, Entry>();
  /** Live records per namespace (kept in step with `entries` by `insert` and `remove`). */
  private readonly counts = new Map<string, number>();
  private readonly now: () => number;
  private readonly sweeper: NodeJS.Timeout;
  private readonly maxPerNamespace: number;
  private lastSweep = 0;
  private readonly sendCounters: MemoryCounters;

  constructor(options: MemoryStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.maxPerNamespace = options.maxPerNamespace ?? 0;
    this.sendCounters = new MemoryCounters(this.now);
    this.sweeper = setInterval(() => this.sweep(), options.sweepIntervalMs ?? 30_000);
    this.sweeper.unref();
  }

  async upsert(key: OtpKey, fields: OtpFields, ttlSeconds: number, defaults: BudgetDefaults): Promise<UpsertResult> {
    const existing = this.live(key);
    const expiresAt = this.now() + ttlSeconds * 1000;
    const { maxAttempts, maxGenerate, ...stored } = fields;
    if (!existing) {
      if (this.isFull(key.namespace)) return { kind: 'full', limit: this.maxPerNamespace };
      const otp = {
        ...key, ...stored, attempts: 0, generate: 1, closed: false, deliveredVia: '',
        maxAttempts: maxAttempts ?? defaults.maxAttempts, maxGenerate: maxGenerate ?? defaults.maxGenerate,
      };
      this.insert(keyOf(key), { otp, expiresAt });
      return { kind: 'created', otp: this.view({ otp, expiresAt }) };
    }
    const budgets = { maxAttempts: maxAttempts ?? existing.otp.maxAttempts, maxGenerate: maxGenerate ?? existing.otp.maxGenerate };
    // Also refuse when the regenerated record would have no attempt left (a code nobody could verify).
    if (isLocked(existing.otp) || existing.otp.attempts >= budgets.maxAttempts) return { kind: 'locked', otp: this.view(existing) };
    existing.otp = { ...existing.otp, ...stored, ...budgets, closed: false, generate: existing.otp.generate + 1 };
    existing.expiresAt = expiresAt;
    return { kind: 'regenerated', otp: this.view(existing) };
  }

  async verify(key: OtpKey, codeDigest: string, options: { skipDelete: boolean }): Promise<VerifyResult> {
    const entry = this.live(key);
    if (!entry) return { kind: 'not_found' };
    const { otp } = entry;
    const matches = digestsEqual(otp.codeDigest, codeDigest);
    if (!(otp.closed && matches)) {
      if (otp.attempts >= otp.maxAttempts) return { kind: 'locked', otp: this.view(entry) };
      otp.attempts += 1;
      if (!matches) return { kind: 'incorrect', otp: this.view(entry) };
    }
    otp.closed = true;
    const view = this.view(entry);
    if (!options.skipDelete) this.remove(keyOf(key));
    return { kind: 'verified', otp: view };
  }

  async get(key: OtpKey): Promise<StoredOtp | null> {
    const entry = this.live(key);
    return entry ? this.view(entry) : null;
  }

  async takeIfClosed(key: OtpKey): Promise<StoredOtp | null> {
    const entry = this.live(key);
    if (!entry) return null;
    if (entry.otp.closed) this.remove(keyOf(key));
    return this.view(entry);
  }

  async delete(key: OtpKey): Promise<boolean> {
    const existed = this.live(key) !== undefined;
    this.remove(keyOf(key));
    return existed;
  }

  async setAddress(key: OtpKey, to: string): Promise<SetAddressResult> {
    const entry = this.live(key);
    if (!entry) return { kind: 'not_found' };
    if (entry.otp.to !== '') return { kind: 'address_already_set', otp: this.view(entry) };
    entry.otp.to = to;
    return { kind: 'updated', otp: this.view(entry) };
  }

  async resend(key: OtpKey): Promise<ResendResult> {
    const entry = this.live(key);
    if (!entry) return { kind: 'not_found' };
    if (entry.otp.closed) return { kind: 'closed', otp: this.view(entry) };
    if (isLocked(entry.otp)) return { kind: 'locked', otp: this.view(entry) };
    if (entry.otp.to === '') return { kind: 'no_address', otp: this.view(entry) };
    entry.otp.generate += 1;
    return { kind: 'resend', otp: this.view(entry) };
  }

  async recordDelivery(key: OtpKey, via: string): Promise<void> {
    const entry = this.live(key);
    if (entry) entry.otp.deliveredVia = via;
  }

  async countSends(counters: readonly SendCounter[], windowMs: number): Promise<CountSendsResult> {
    return this.sendCounters.count(counters, windowMs);
  }

  async publish(): Promise<void> {
    // Events are a Redis pub/sub feature; there is no channel to publish to in memory.
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.entries.clear();
    this.counts.clear();
    this.sendCounters.clear();
  }

  /** Number of live records (for tests and diagnostics). */
  size(): number {
    this.sweep();
    return this.entries.size;
  }

  private live(key: OtpKey): Entry | undefined {
    const k = keyOf(key);
    const entry = this.entries.get(k);
    if (entry && entry.expiresAt <= this.now()) {
      this.remove(k);
      return undefined;
    }
    return entry;
  }

  private view(entry: Entry): StoredOtp {
    const ttlSeconds = Math.max(0, Math.ceil((entry.expiresAt - this.now()) / 1000));
    return { ...entry.otp, ttlSeconds };
  }

  private sweep(): void {
    const now = this.now();
    this.lastSweep = now;
    for (const [k, entry] of this.entries) if (entry.expiresAt <= now) this.remove(k);
    this.sendCounters.sweep();
  }

  /** At the cap, expired records may still be counted: sweep first (at most once a second, a sweep reads every record). */
  private isFull(namespace: string): boolean {
    if (this.maxPerNamespace <= 0 || (this.counts.get(namespace) ?? 0) < this.maxPerNamespace) return false;
    if (this.now() - this.lastSweep >= 1000) this.sweep();
    return (this.counts.get(namespace) ?? 0) >= this.maxPerNamespace;
  }

  private insert(k: string, entry: Entry): void {
    this.entries.set(k, entry);
    const ns = entry.otp.namespace;
    this.counts.set(ns, (this.counts.get(ns) ?? 0) + 1);
  }

  private remove(k: string): void {
    const entry = this.entries.get(k);
    if (!entry) return;
    this.entries.delete(k);
    const ns = entry.otp.namespace;
    const left = (this.counts.get(ns) ?? 1) - 1;
    if (left > 0) this.counts.set(ns, left);
    else this.counts.delete(ns);
  }
}

/** Locked: out of attempts without a success, or out of sends. */
function isLocked(otp: Omit<StoredOtp, 'ttlSeconds'>): boolean {
  return (!otp.closed && otp.attempts >= otp.maxAttempts) || otp.generate >= otp.maxGenerate;
}

function keyOf(key: OtpKey): string {
  // Namespaces cannot contain ':' (the config refuses it), so this key is unambiguous.
  return `${key.namespace}:${key.id}`;
}

function digestsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
