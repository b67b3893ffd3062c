/** The steps of one flow, in order. */
export const STEPS = ['create', 'read', 'wrong', 'right', 'status'] as const;

/** One step of a flow. */
export type Step = (typeof STEPS)[number];

/** Latency percentiles of one step, in milliseconds. */
export interface StepReport {
  count: number;
  p50: number;
  p95: number;
  p99: number;
}

/** What a run reports (printed as a table, written with --json). */
export interface Report {
  url: string;
  users: number;
  seconds: number;
  flows: { ok: number; failed: number; perSecond: number };
  steps: Record<Step, StepReport>;
  /** "<step> <status> <code>" → how many times a step answered something unexpected. */
  errors: Record<string, number>;
}

/** Collects latencies per step and failures while virtual users run. */
export class Recorder {
  private readonly latencies = new Map<Step, number[]>(STEPS.map((s) => [s, []]));
  readonly errors = new Map<string, number>();
  ok = 0;
  failed = 0;

  /** A step answered (as expected or not): its latency counts. */
  latency(step: Step, ms: number): void {
    this.latencies.get(step)?.push(ms);
  }

  /** A flow ended with its step answering `status`/`code` instead of what it should. */
  failure(step: Step, status: number | string, code: string): void {
    this.failed++;
    const key = `${step} ${status} ${code}`;
    this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
  }

  /** The report of a run that took `seconds`. */
  report(url: string, users: number, seconds: number): Report {
    const of = (step: Step): StepReport => summarise(this.latencies.get(step) ?? []);
    const steps: Record<Step, StepReport> = { create: of('create'), read: of('read'), wrong: of('wrong'), right: of('right'), status: of('status') };
    return {
      url, users, seconds: round(seconds),
      flows: { ok: this.ok, failed: this.failed, perSecond: round(this.ok / seconds) },
      steps,
      errors: Object.fromEntries([...this.errors].sort(([, a], [, b]) => b - a)),
    };
  }
}

function summarise(values: number[]): StepReport {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

const round = (n: number): number => Math.round(n * 10) / 10;

/** The report as the table printed at the end. */
export function formatReport(report: Report): string {
  const lines = [
    `${report.url}: ${report.users} users, ${report.seconds} s`,
    `flows: ${report.flows.ok} ok, ${report.flows.failed} failed, ${report.flows.perSecond} flows/s`,
    '',
    'step      count      p50 ms    p95 ms    p99 ms',
    ...STEPS.map((s) => {
      const r = report.steps[s];
      return `${s.padEnd(8)}${String(r.count).padStart(7)}${String(r.p50).padStart(12)}${String(r.p95).padStart(10)}${String(r.p99).padStart(10)}`;
    }),
    '',
    Object.keys(report.errors).length === 0 ? 'errors: none' : 'errors (step status code: count):',
    ...Object.entries(report.errors).map(([key, n]) => `  ${key}: ${n}`),
  ];
  return lines.join('\n');
}
