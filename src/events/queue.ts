/**
 * A bounded FIFO of jobs run by a few workers, where jobs with the same
 * `group` (one OTP) run one at a time and in order. A full queue drops its
 * oldest waiting job (and says so): memory stays bounded whatever a receiver does.
 */
export interface OrderedQueue<T> {
  /** Queue a job; never waits and never throws. */
  push(group: string, job: T): void;
  /** Jobs waiting (not yet started). */
  readonly waiting: number;
  /** Resolves once nothing is waiting or running (tests, shutdown). */
  idle(): Promise<void>;
}

/** Create an ordered queue: `run` is each job's whole life (its retries included). */
export function createOrderedQueue<T>(options: {
  maxWaiting: number;
  concurrency: number;
  run: (job: T) => Promise<void>;
  onDropped: (job: T) => void;
  /** When a push may start work; default: the next turn of the loop. */
  schedule?: (start: () => void) => void;
}): OrderedQueue<T> {
  const schedule = options.schedule ?? setImmediate;
  const waiting: { group: string; job: T }[] = [];
  const busy = new Set<string>();
  let running = 0;
  let idleWaiters: (() => void)[] = [];

  const settleIdle = (): void => {
    if (running > 0 || waiting.length > 0) return;
    const resolvers = idleWaiters;
    idleWaiters = [];
    for (const resolve of resolvers) resolve();
  };

  const pump = (): void => {
    while (running < options.concurrency) {
      // The first waiting job whose group is not running keeps each group's order.
      const index = waiting.findIndex((w) => !busy.has(w.group));
      if (index < 0) break;
      const [next] = waiting.splice(index, 1);
      if (!next) break;
      running += 1;
      busy.add(next.group);
      void options
        .run(next.job)
        .catch(() => undefined)
        .finally(() => {
          running -= 1;
          busy.delete(next.group);
          pump();
          settleIdle();
        });
    }
  };

  return {
    push(group, job) {
      if (waiting.length >= options.maxWaiting) {
        const dropped = waiting.shift();
        if (dropped) options.onDropped(dropped.job);
      }
      waiting.push({ group, job });
      schedule(pump);
    },
    get waiting() {
      return waiting.length;
    },
    idle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        settleIdle();
      });
    },
  };
}
