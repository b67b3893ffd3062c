import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { parse as parseYaml } from 'yaml';

/** The Grafana dashboard and Prometheus rules of deploy/, and the PromQL inside them. */

const DEPLOY = path.join(__dirname, '..', '..', 'deploy');
/** deploy/grafana/otpgateway.json. */
export const DASHBOARD_FILE = path.join(DEPLOY, 'grafana', 'otpgateway.json');
/** deploy/prometheus/alerts.yaml. */
export const ALERTS_FILE = path.join(DEPLOY, 'prometheus', 'alerts.yaml');

/** A Grafana panel, as far as these tests read it. */
export interface Panel {
  id: number;
  type: string;
  title: string;
  description?: string;
  gridPos: { h: number; w: number; x: number; y: number };
  datasource?: { type?: string; uid?: string };
  targets?: { refId: string; expr: string; legendFormat?: string; datasource?: { uid?: string } }[];
  panels?: Panel[];
}

/** The dashboard JSON, as far as these tests read it. */
export interface Dashboard {
  title: string;
  uid: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query?: unknown; definition?: string }[] };
}

/** One alerting rule. */
export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Read the dashboard. */
export function readDashboard(): Dashboard {
  return JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as Dashboard;
}

/** Every panel of the dashboard in order, rows included, with the panels of collapsed rows. */
export function allPanels(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** Every alerting rule of alerts.yaml, in order. */
export function readAlertRules(): AlertRule[] {
  const file = parseYaml(readFileSync(ALERTS_FILE, 'utf8')) as { groups: { name: string; rules: AlertRule[] }[] };
  return file.groups.flatMap((g) => g.rules);
}

/** A Grafana expression as Prometheus gets it: `$__rate_interval` and friends become a duration. */
export function grafanaToPromql(expr: string): string {
  return expr.replace(/\$__(rate_interval|interval|range)\b/g, '5m');
}

/** Every PromQL expression of the dashboard (panel targets), Grafana variables resolved. */
export function dashboardExpressions(dashboard: Dashboard): { where: string; expr: string }[] {
  return allPanels(dashboard).flatMap((p) => (p.targets ?? []).map((t) => ({ where: `panel "${p.title}" ${t.refId}`, expr: grafanaToPromql(t.expr) })));
}

/** The metrics the dashboard's template variables query (`label_values(METRIC, label)`). */
export function variableMetrics(dashboard: Dashboard): string[] {
  return dashboard.templating.list.flatMap((v) => {
    const query = typeof v.query === 'string' ? v.query : JSON.stringify(v.query ?? '');
    return [...`${query} ${v.definition ?? ''}`.matchAll(/label_values\(\s*([A-Za-z_:][A-Za-z0-9_:]*)/g)].map((m) => m[1] as string);
  });
}

/** Every alert expression. */
export function alertExpressions(rules: AlertRule[]): { where: string; expr: string }[] {
  return rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr }));
}

/** Where PromQL's own parser (Prometheus's lezer grammar) finds a syntax error; empty when it parses. */
export function promqlErrors(expr: string): string[] {
  const errors: string[] = [];
  const cursor = parser.parse(expr).cursor();
  do {
    if (cursor.type.isError) errors.push(`syntax error at ${cursor.from}: ${JSON.stringify(expr.slice(Math.max(0, cursor.from - 20), cursor.from + 20))}`);
  } while (cursor.next());
  return errors;
}

/**
 * The metric names an expression selects: the name of every vector selector, as the PromQL parser
 * sees it (so a misspelt prefix is caught too, not only names that start with `otpgateway_`).
 */
export function metricNames(expr: string): string[] {
  const names = new Set<string>();
  const cursor = parser.parse(expr).cursor();
  // A function, not a property read: the cursor moves, and TypeScript would keep the first narrowing.
  const at = (): string => cursor.type.name;
  do {
    if (at() === 'VectorSelector' && cursor.firstChild()) {
      if (at() === 'Identifier') names.add(expr.slice(cursor.from, cursor.to));
      cursor.parent();
    }
  } while (cursor.next());
  return [...names];
}

/** The sample names a Prometheus text exposition declares (`# TYPE` lines; histograms as _bucket/_sum/_count). */
export function exposedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const match of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = match as unknown as [string, string, string];
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
    else if (type === 'summary') for (const suffix of ['', '_sum', '_count']) names.add(name + suffix);
    else names.add(name);
  }
  return names;
}
