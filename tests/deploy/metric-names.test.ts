import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLI_TEST_TIMEOUT_MS, startCli, type RunningCli } from '../cli/cli-process';
import { testRedisPort } from '../helpers/gateway';
import { freePort } from '../helpers/redis-server';
import { renderOverlay } from './kubectl';
import { mountedConfig, withSecretsFilledIn } from './workloads';
import { alertExpressions, dashboardExpressions, exposedNames, metricNames, promqlErrors, readAlertRules, readDashboard, variableMetrics } from './observability';

/**
 * Every metric the Grafana dashboard and the Prometheus alerts select exists in `/metrics` of a
 * running gateway: the built CLI started on the config.toml the single-redis overlay ships (its
 * placeholder secrets filled in, its Redis pointed at the test Redis), scraped on its metrics port.
 * `# TYPE` lines list every registered metric before it has a sample.
 */

jest.setTimeout(CLI_TEST_TIMEOUT_MS);

const dashboard = readDashboard();
const expressions = [...dashboardExpressions(dashboard), ...alertExpressions(readAlertRules())];

it('finds expressions to check in the dashboard and the alerts', () => {
  expect(dashboardExpressions(dashboard).length).toBeGreaterThanOrEqual(12);
  expect(alertExpressions(readAlertRules()).length).toBeGreaterThanOrEqual(5);
});

it('has only expressions that parse as PromQL', () => {
  expect(expressions.map(({ where, expr }) => ({ where, errors: promqlErrors(expr) })).filter((e) => e.errors.length > 0)).toEqual([]);
  // The parser is strict enough to matter: an unclosed bracket and a word where an operator belongs are errors.
  expect(promqlErrors('sum(rate(otpgateway_store_errors_total[5m])')).not.toEqual([]);
  expect(promqlErrors('rate(otpgateway_store_errors_total[5m]) over 2')).not.toEqual([]);
});

it('reads metric names the way Prometheus does, misspelt prefixes included', () => {
  expect(metricNames('sum by (route, le) (rate(otpgateway_http_request_duration_seconds_bucket{route!="create"}[5m])) / otpgatewy_typo_total')).toEqual([
    'otpgateway_http_request_duration_seconds_bucket',
    'otpgatewy_typo_total',
  ]);
});

describe('a gateway started on the shipped config', () => {
  let dir: string;
  let cli: RunningCli;
  let metricsUrl: string;
  beforeAll(async () => {
    const objects = renderOverlay('single-redis');
    dir = mkdtempSync(path.join(os.tmpdir(), 'otpgw-metric-names-'));
    const file = path.join(dir, 'config.toml');
    writeFileSync(file, withSecretsFilledIn(mountedConfig(objects).text));
    const metricsAddress = `127.0.0.1:${await freePort()}`;
    metricsUrl = `http://${metricsAddress}/metrics`;
    cli = await startCli({
      args: ['--config', file, '--log-format', 'json'],
      env: {
        OTP_GATEWAY_APP__ADDRESS: '127.0.0.1:0',
        OTP_GATEWAY_METRICS__ADDRESS: metricsAddress,
        OTP_GATEWAY_STORE__REDIS__HOST: '127.0.0.1',
        OTP_GATEWAY_STORE__REDIS__PORT: String(testRedisPort()),
        OTP_GATEWAY_STORE__REDIS__KEY_PREFIX: `metric-names-${process.pid}`,
      },
    });
    await cli.waitForLog(/^metrics at /);
  });
  afterAll(async () => {
    await cli?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('exposes every metric that a dashboard panel, a dashboard variable or an alert selects', async () => {
    const res = await fetch(metricsUrl);
    expect(res.status).toBe(200);
    const exposed = exposedNames(await res.text());
    expect(exposed.has('otpgateway_store_errors_total')).toBe(true);
    const used = [...expressions.flatMap(({ where, expr }) => metricNames(expr).map((name) => ({ where, name }))), ...variableMetrics(dashboard).map((name) => ({ where: 'a dashboard variable', name }))];
    const missing = used.filter(({ name }) => !exposed.has(name));
    const missingNames = [...new Set(missing.map((m) => m.name))].sort();
    expect({ missingNames, missing }).toEqual({ missingNames: [], missing: [] });
  });
});
