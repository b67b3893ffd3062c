#!/usr/bin/env node
// First, before the modules below load: `--version` and `--help` alone answer from here, in milliseconds.
import { HELP, versionText } from './cli-fast-path';
import { createServer, type Server } from 'node:http';
import { ConfigError, parseAddress } from './config-fields';
import { loadConfig, type LoadedConfig } from './config/load';
import { isClusterWorker, runPrimary, shareMetricsWithPrimary, workerCount } from './cluster';
import { buildGateway, type Gateway } from './gateway';
import { serveMetrics } from './metrics/endpoint';
import { createLogger, flushLogsThen, type Logger } from './log/logger';
import { chooseLogFormat, parseLogFormat, type LogFormat } from './log/format';
import { describeRuntime, runtimeInfo } from './runtime';
import { newConfigText } from './config/new-config';
import { newSigningKeyNote } from './signing/new-key-note';
import { VERSION } from './version';
import { errorMessage } from './errors';
import { isSingleExecutable } from './assets';
import { missingEssentials } from './config/missing-essentials';

/**
 * The command-line entry: argv/env → config → gateway → listen; signals.
 * The only module that reads process state, listens or exits.
 */

/** Parsed command line. */
interface Args {
  configs: string[];
  version: boolean;
  help: boolean;
  newConfig: boolean;
  logFormat: LogFormat | undefined;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { configs: [], version: false, help: false, newConfig: false, logFormat: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--version' || arg === '-v') args.version = true;
    else if (arg === '--help' || arg === '-h') args.help = true;
    else if (arg === '--new-config') args.newConfig = true;
    else if (arg === '--pretty-logs') args.logFormat = 'pretty';
    else if (arg === '--log-format' || arg.startsWith('--log-format=')) args.logFormat = logFormatArg(arg === '--log-format' ? argv[++i] : arg.slice('--log-format='.length));
    else if (arg === '--config') {
      const file = argv[++i];
      if (!file) throw new UsageError('--config needs a file path.');
      args.configs.push(file);
    } else if (arg.startsWith('--config=')) args.configs.push(arg.slice('--config='.length));
    else throw new UsageError(`Unknown argument ${JSON.stringify(arg)}. Run otpgateway --help.`);
  }
  return args;
}

class UsageError extends Error {}

function logFormatArg(value: string | undefined): LogFormat {
  const format = parseLogFormat(value ?? '');
  if (!format) throw new UsageError(`--log-format needs json or pretty${value === undefined ? '' : `, not ${JSON.stringify(value)}`}.`);
  return format;
}

/** Log what an operator must know before trusting this instance. */
function announce(logger: Logger, loaded: LoadedConfig): void {
  for (const warning of loaded.warnings) logger.warn(`config: ${warning}`);
  const runtime = runtimeInfo();
  if (!runtime.supported) {
    logger.warn({ node: runtime.version }, `running on ${describeRuntime(runtime)}. Use a supported Node.js LTS release; the Docker image and dist/otpgateway ship Node.js 24 LTS.`);
  }
  const { config } = loaded;
  if (loaded.embedded) {
    logger.warn(
      'No config.toml found and no --config given: running on the EMBEDDED DEVELOPMENT DEFAULTS — memory store ' +
        '(OTPs are lost on restart and not shared between processes), the log and outbox providers (codes are written to this log and readable at GET /api/outbox), ' +
        'namespace "dev" with secret "dev-secret", listening on loopback only. To configure: copy config.sample.toml to ' +
        'config.toml and edit it, or pass --config FILE; OTP_GATEWAY_<SECTION>__<KEY> variables override any key.',
    );
  } else if (config.store.backend === 'memory') {
    logger.warn('store: using the in-memory store: OTPs are lost on restart and not shared between processes. Use [store.redis] in production.');
  }
  for (const missing of missingEssentials(config)) logger.warn(missing);
  if (!config.app.secret_key) {
    logger.warn('app.secret_key is not set: codes and addresses are stored unencrypted. Set a secret of 32+ characters.');
  }
  if (config.providers.log?.enabled) {
    logger.warn('providers.log is enabled: messages, codes included, are written to this log. Development only.');
  }
  if (config.providers.outbox?.enabled) {
    logger.warn('providers.outbox is enabled: messages, codes included, are kept and readable through GET /api/outbox and /outbox/<namespace>. Development, CI and load tests only.');
  }
}

/** Stop accepting, let in-flight requests finish, close connections, exit 0. */
function handleSignals(server: Server, gateway: Gateway, logger: Logger, graceMs: number): void {
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    // Written now, not at exit: if the stop outlasts the orchestrator's patience, a SIGKILL follows.
    flushLogsThen(() => undefined);
    const force = setTimeout(() => {
      logger.warn('in-flight requests did not finish in time; exiting');
      flushLogsThen(() => process.exit(1));
    }, graceMs);
    force.unref();
    // Long polls answer now (with what they have), instead of holding the stop for up to 30 s.
    gateway.releaseWaiters();
    server.close(async () => {
      await gateway.close();
      logger.info('stopped');
      flushLogsThen(() => process.exit(0));
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/**
 * An error nothing caught ends the process, but first it is logged as a `fatal`
 * line and the batched log lines are written out, so the last requests' lines are not lost.
 */
function handleFatalErrors(logger: Logger): void {
  let dying = false;
  const die = (err: unknown, origin: string): void => {
    if (dying) return;
    dying = true;
    logger.fatal({ err, origin }, `fatal error, exiting: ${errorMessage(err)}`);
    flushLogsThen(() => process.exit(1));
  };
  process.on('uncaughtException', (err, origin) => die(err, origin));
}

async function main(): Promise<void> {
  // node:cluster starts a worker as `execPath <primary's argv[1]> ARGS`: a script path for node, but the single
  // executable has no script, so there that argv[1] reaches the worker as its first argument.
  const args = parseArgs(process.argv.slice(isClusterWorker() && isSingleExecutable() ? 3 : 2));
  if (args.help) return void console.log(HELP);
  if (args.version) return void console.log(versionText());
  if (args.newConfig) {
    process.stdout.write(newConfigText());
    return void process.stderr.write(newSigningKeyNote());
  }

  const loaded = loadConfig({ files: args.configs, env: process.env });
  const { config } = loaded;
  const workers = workerCount(config.app.workers);
  const clustered = workers > 1 || isClusterWorker();
  const pretty = chooseLogFormat(args.logFormat, process.stdout.isTTY === true) === 'pretty';
  const logger = createLogger({ debug: config.app.enable_debug_logs, async: true, pid: clustered, pretty });
  handleFatalErrors(logger);
  const graceMs = config.app.server_timeout + 5_000;
  if (workers > 1 && !isClusterWorker()) {
    announce(logger, loaded);
    const { metrics } = config;
    return runPrimary({ workers, logger, graceMs, metrics: metrics.enabled ? metrics : undefined });
  }
  if (!isClusterWorker()) announce(logger, loaded);

  const gateway = await buildGateway(loaded, logger);
  const registry = gateway.metrics.registry;
  if (registry && isClusterWorker()) shareMetricsWithPrimary(registry);
  else if (registry && config.metrics.address) {
    await serveMetrics(config.metrics, () => registry.metrics());
    logger.info({ address: config.metrics.address }, `metrics at http://${config.metrics.address}/metrics`);
  }
  const { host, port } = parseAddress(config.app.address) ?? { host: '0.0.0.0', port: 9000 };
  const server = createServer(gateway.app).listen(port, host);
  server.requestTimeout = config.app.server_timeout;
  server.headersTimeout = Math.min(config.app.server_timeout, 60_000);
  server.keepAliveTimeout = 5_000;
  server.on('error', (err) => {
    logger.fatal({ err: err.message }, `cannot listen on ${config.app.address}`);
    process.exit(1);
  });
  server.on('listening', () => {
    const address = server.address();
    const actual = typeof address === 'object' && address ? `${address.address}:${address.port}` : config.app.address;
    logger.info({ address: actual, store: gateway.store.name, providers: gateway.providers.ids, version: VERSION, node: process.version }, `otpgateway listening on ${actual}`);
  });
  handleSignals(server, gateway, logger, graceMs);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    // Warnings first: an unknown (misspelt) key often explains a missing required one.
    for (const warning of err.warnings) process.stderr.write(`config warning: ${warning}\n`);
    for (const problem of err.problems) process.stderr.write(`config error: ${problem}\n`);
    process.exit(2);
  }
  if (err instanceof UsageError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`otpgateway could not start: ${errorMessage(err)}\n`);
  process.exit(1);
});
