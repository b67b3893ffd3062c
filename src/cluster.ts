import cluster from 'node:cluster';
import os from 'node:os';
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { Logger } from './log/logger';
import { serveMetrics } from './metrics/endpoint';

/**
 * `app.workers = N`: N worker processes (node:cluster) share the listening
 * port; the primary only supervises them and, with `[metrics]`, serves the
 * metrics of all workers aggregated (prom-client AggregatorRegistry).
 * Workers run the same CLI entry; see cli.ts.
 */

/** How many processes `app.workers` asks for: 0 = one per core. */
export function workerCount(configured: number): number {
  return configured === 0 ? os.availableParallelism() : configured;
}

/** True in a process forked by `runPrimary`. */
export function isClusterWorker(): boolean {
  return cluster.isWorker;
}

/** What the primary needs. */
export interface PrimaryOptions {
  workers: number;
  logger: Logger;
  /** How long workers get to finish in-flight requests on shutdown. */
  graceMs: number;
  /** Serve the aggregated metrics on this address (metrics enabled). */
  metrics?: { address: string; username: string; password: string };
}

/** A worker that dies this soon after it started counts as a crash at startup. */
const EARLY_EXIT_MS = 10_000;
const MAX_EARLY_EXITS = 5;

/** Fork the workers, replace crashed ones, and stop them all on SIGTERM/SIGINT. */
export async function runPrimary(options: PrimaryOptions): Promise<void> {
  const { logger } = options;
  const started = new Map<number, number>();
  let stopping = false;
  let earlyExits = 0;

  // Each worker finishes its in-flight requests on SIGTERM (cli.ts handleSignals).
  const stopWorkers = (): void => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  };
  const fork = (): void => {
    const worker = cluster.fork();
    started.set(worker.id, Date.now());
  };

  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (started.get(worker.id) ?? 0);
    started.delete(worker.id);
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        logger.info('all workers stopped');
        // Keep the failure status when the primary gave up on crashing workers.
        process.exit(process.exitCode ?? 0);
      }
      return;
    }
    logger.error({ worker: worker.process.pid, code, signal }, 'worker exited; starting a new one');
    if (lived < EARLY_EXIT_MS && ++earlyExits >= MAX_EARLY_EXITS) {
      logger.fatal(`${MAX_EARLY_EXITS} workers exited right after starting; giving up (see their log lines above)`);
      stopping = true;
      stopWorkers();
      process.exitCode = 1;
      setTimeout(() => process.exit(1), options.graceMs).unref();
      return;
    }
    fork();
  });

  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, workers: Object.keys(cluster.workers ?? {}).length }, 'shutting down: stopping the workers');
    stopWorkers();
    setTimeout(() => {
      logger.warn('workers did not stop in time; exiting');
      process.exit(1);
    }, options.graceMs).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  if (options.metrics) {
    const aggregator = new AggregatorRegistry();
    const { address } = options.metrics;
    await serveMetrics(options.metrics, () => aggregator.clusterMetrics());
    logger.info({ address }, `metrics of all workers at http://${address}/metrics`);
  }
  for (let i = 0; i < options.workers; i++) fork();
  logger.info({ workers: options.workers }, `started ${options.workers} worker processes`);
}

/** In a worker: answer the primary's metrics requests from this gateway's registry. */
export function shareMetricsWithPrimary(registry: Registry): void {
  AggregatorRegistry.setRegistries([registry]);
  // Constructing one installs the worker's listener for the primary's requests.
  new AggregatorRegistry();
}
