import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../src/metrics/create-metrics.ts';
import { securityEventNames } from '../src/metrics/security-events.ts';

// docs/operations.md lists every metric Passline defines and every security event, and the Grafana
// dashboard queries only metrics that exist.

const docs = readFileSync(new URL('../../../docs/operations.md', import.meta.url), 'utf8');
const dashboard = JSON.parse(
  readFileSync(new URL('../../../docs/grafana/passline-dashboard.json', import.meta.url), 'utf8'),
) as { panels: Array<{ title: string; targets: Array<{ expr: string }> }> };

describe('docs/operations.md and the Grafana dashboard', () => {
  const metrics = createMetrics();
  const names = async () => (await metrics.registry.getMetricsAsJSON()).map((metric) => metric.name);

  it('documents every passline_ metric with its labels', async () => {
    const own = (await names()).filter((name) => !/^passline_(process|nodejs)_/.test(name));
    expect(own.length).toBeGreaterThanOrEqual(12);
    for (const name of own) expect(docs, name).toContain(`| \`${name}\` |`);
    for (const metric of await metrics.registry.getMetricsAsJSON()) expect(metric.name).toMatch(/^passline_/);
  });

  it('documents every security event', () => {
    expect(securityEventNames).toHaveLength(11);
    for (const event of securityEventNames) expect(docs, event).toContain(`| \`${event}\` |`);
  });

  it('documents the configuration variables', () => {
    for (const variable of ['PASSLINE_METRICS_TOKEN', 'PASSLINE_METRICS_PORT', 'PASSLINE_METRICS_HOST']) {
      expect(docs).toContain(`| \`${variable}\` |`);
    }
  });

  it('has a dashboard whose queries name existing metrics, with the panels the docs promise', async () => {
    const known = new Set(await names());
    const titles = dashboard.panels.map((panel) => panel.title);
    for (const title of ['Sends by outcome', 'Provider latency p95', 'Refusals by reason', 'HTTP p95 by route']) {
      expect(titles).toContain(title);
    }
    expect(titles.some((title) => title.startsWith('Conversion'))).toBe(true);
    const queried = dashboard.panels.flatMap((panel) =>
      panel.targets.flatMap((target) => target.expr.match(/passline_[a-z0-9_]+/g) ?? []),
    );
    expect(queried.length).toBeGreaterThan(10);
    for (const name of queried) {
      expect(known.has(name) || known.has(name.replace(/_(bucket|count|sum)$/, '')), name).toBe(true);
    }
  });
});
