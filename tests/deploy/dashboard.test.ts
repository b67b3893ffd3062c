import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { allPanels, dashboardExpressions, metricNames, readDashboard, type Dashboard } from './observability';

/**
 * deploy/grafana/otpgateway.json: the panels the issue asks for, a layout Grafana can place, every
 * query on the dashboard's data source variable, and the panel table of docs/operations.md in sync
 * (OTP_UPDATE_DOCS=1 rewrites it). Its metric names are checked by metric-names.test.ts.
 */

const OPERATIONS = path.join(__dirname, '..', '..', 'docs', 'operations.md');
const START = '<!-- dashboard-panels:start -->';
const END = '<!-- dashboard-panels:end -->';

const dashboard = readDashboard();

/** The markdown table of the dashboard's panels: row, title, type, metrics, description. */
function panelTable(d: Dashboard): string {
  const lines = ['| row | panel | type | metrics | shows |', '|---|---|---|---|---|'];
  let row = '';
  for (const panel of allPanels(d)) {
    if (panel.type === 'row') {
      row = panel.title;
      continue;
    }
    const metrics = [...new Set((panel.targets ?? []).flatMap((t) => metricNames(t.expr.replace(/\$__\w+/g, '5m'))))];
    const cell = (text: string): string => text.replace(/\|/g, '\\|');
    lines.push(`| ${cell(row)} | ${cell(panel.title)} | ${panel.type} | ${metrics.map((m) => `\`${m}\``).join(', ')} | ${cell(panel.description ?? '')} |`);
  }
  return lines.join('\n');
}

it('has a panel for each thing the runbook promises to show', () => {
  const titles = allPanels(dashboard).map((p) => p.title);
  for (const title of [/^Requests by route$/, /^p99 latency by route$/, /^Creates, sends and verifications$/, /^Delivery failures by provider$/, /^Delivery duration by provider$/,
    /^Rate-limit refusals by limit$/, /^Store errors$/, /^Failovers by route$/, /^Breaker state/, /^Conversion by country$/]) {
    expect(titles).toEqual(expect.arrayContaining([expect.stringMatching(title)]));
  }
});

it('queries through the data source variable, in a layout without overlaps, with unique ids', () => {
  const panels = allPanels(dashboard);
  expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
  expect(dashboard.templating.list.find((v) => v.name === 'datasource')?.type).toBe('datasource');
  const cells = new Set<string>();
  for (const panel of panels) {
    const { x, y, w, h } = panel.gridPos;
    expect({ panel: panel.title, fits: x >= 0 && w > 0 && x + w <= 24 && h > 0 }).toEqual({ panel: panel.title, fits: true });
    for (let row = y; row < y + h; row++) {
      for (let col = x; col < x + w; col++) {
        const cell = `${row},${col}`;
        expect({ panel: panel.title, overlaps: cells.has(cell) }).toEqual({ panel: panel.title, overlaps: false });
        cells.add(cell);
      }
    }
    if (panel.type === 'row') continue;
    expect({ panel: panel.title, uid: panel.datasource?.uid, targets: (panel.targets ?? []).length > 0 }).toEqual({ panel: panel.title, uid: '${datasource}', targets: true });
    for (const target of panel.targets ?? []) expect(target.datasource?.uid).toBe('${datasource}');
  }
  expect(dashboardExpressions(dashboard).every(({ expr }) => !expr.includes('$__'))).toBe(true);
});

it('is listed panel by panel in docs/operations.md', () => {
  const doc = readFileSync(OPERATIONS, 'utf8');
  const [before, rest] = doc.split(START);
  const after = rest?.split(END)[1];
  expect(before !== undefined && after !== undefined).toBe(true);
  const expected = `${before}${START}\n${panelTable(dashboard)}\n${END}${after}`;
  if (doc !== expected && process.env.OTP_UPDATE_DOCS === '1') writeFileSync(OPERATIONS, expected);
  else expect(doc).toBe(expected); // after editing the dashboard: OTP_UPDATE_DOCS=1 npx jest tests/deploy/dashboard
});
