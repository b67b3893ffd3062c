import { writeFileSync } from 'node:fs';
import { connectionPool, FlowRunner } from './flow';
import { parseOptions, USAGE, type LoadTestOptions } from './options';
import { formatReport, Recorder, type Report } from './stats';

/**
 * `npm run loadtest`: virtual users loop the full verification flow against
 * any gateway URL (outbox.md "The load test"). Concurrency is bounded: each
 * user runs one flow at a time, so at most `--users` requests are in flight.
 */
export async function runLoadTest(options: LoadTestOptions, progress: (line: string) => void = () => undefined): Promise<Report> {
  const recorder = new Recorder();
  const started = performance.now();
  const deadline = started + options.durationMs;
  const agent = connectionPool(options);
  const user = async (): Promise<void> => {
    const runner = new FlowRunner(options, recorder, agent);
    while (performance.now() < deadline) await runner.run();
  };
  let lastOk = 0;
  const ticker = options.progressSeconds > 0
    ? setInterval(() => {
      const elapsed = (performance.now() - started) / 1000;
      const rate = (recorder.ok - lastOk) / options.progressSeconds;
      lastOk = recorder.ok;
      progress(`${elapsed.toFixed(0)}s  flows ok ${recorder.ok}  failed ${recorder.failed}  now ${rate.toFixed(0)} flows/s`);
    }, options.progressSeconds * 1000)
    : undefined;
  try {
    await Promise.all(Array.from({ length: options.users }, user));
  } finally {
    if (ticker) clearInterval(ticker);
    agent.destroy();
  }
  return recorder.report(options.url, options.users, (performance.now() - started) / 1000);
}

/** 0 when every flow went right (and at least one ran), else 1. */
export function exitCodeOf(report: Report): number {
  return report.flows.failed === 0 && report.flows.ok > 0 ? 0 : 1;
}

async function main(): Promise<void> {
  let options: LoadTestOptions | 'help';
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`loadtest: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
    return;
  }
  if (options === 'help') return void process.stdout.write(USAGE);
  process.stderr.write(`loadtest: ${options.users} users for ${options.durationMs / 1000} s against ${options.url} (namespace ${options.namespace}, provider ${options.provider})\n`);
  const report = await runLoadTest(options, (line) => process.stderr.write(`${line}\n`));
  process.stdout.write(`${formatReport(report)}\n`);
  if (options.json) writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
  process.exitCode = exitCodeOf(report);
}

if (require.main === module) void main();
