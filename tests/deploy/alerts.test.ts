import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readAlertRules } from './observability';

/**
 * deploy/prometheus/alerts.yaml: the alerts the runbook explains, each with a severity, a
 * summary, a description and a runbook link to a section of docs/operations.md that exists.
 * Their expressions are parsed and their metric names checked by metric-names.test.ts.
 */

const OPERATIONS = path.join(__dirname, '..', '..', 'docs', 'operations.md');

/** GitHub's anchor of a markdown heading: lower case, punctuation dropped, spaces to hyphens. */
function anchor(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

const rules = readAlertRules();
const anchors = new Set([...readFileSync(OPERATIONS, 'utf8').matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchor(m[1] as string)));

it('has the alerts the runbook explains', () => {
  expect(rules.map((r) => r.alert)).toEqual([
    'OtpGatewayDeliveryFailureRatioHigh',
    'OtpGatewayLatencyHigh',
    'OtpGatewayStoreErrors',
    'OtpGatewayRateLimitSpike',
    'OtpGatewayConversionCollapse',
    'OtpGatewayBreakerOpen',
  ]);
});

it.each(rules.map((r) => [r.alert, r] as const))('%s has a duration, a severity, a summary, a description and a runbook section', (_name, rule) => {
  expect(rule.for).toMatch(/^\d+[smh]$/);
  expect(['warning', 'critical']).toContain(rule.labels?.severity);
  expect(rule.annotations?.summary).toMatch(/\S/);
  expect(rule.annotations?.description).toMatch(/\S/);
  const url = rule.annotations?.runbook_url ?? '';
  expect(url).toMatch(/^docs\/operations\.md#/);
  const target = url.slice(url.indexOf('#') + 1);
  expect({ target, exists: anchors.has(target) }).toEqual({ target, exists: true });
  expect(target).toBe(anchor(rule.alert));
});
