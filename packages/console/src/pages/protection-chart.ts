/** The overview chart's numbers: hourly stacks of sends and refusals by reason, and their words. */

import { type ProtectionSummary, protectionReasons } from '@passline/contracts';
import { reasonColor, reasonLabel, sentColor } from './protection-labels.ts';

export type Hour = ProtectionSummary['hours'][number];

export interface Series {
  key: string;
  label: string;
  color: string;
  total: number;
}

export interface Bar {
  hour: string;
  total: number;
  /** Bottom to top, in the series' order; zero values are left out. */
  segments: Array<{ key: string; value: number }>;
}

/** Sends first, then every refusal reason that occurs: the known ones in the contract's order. */
export function seriesOf(hours: readonly Hour[]): Series[] {
  const totals = new Map<string, number>();
  for (const hour of hours) {
    for (const [reason, count] of Object.entries(hour.refused)) totals.set(reason, (totals.get(reason) ?? 0) + count);
  }
  const known: readonly string[] = protectionReasons;
  const reasons = [
    ...protectionReasons.filter((reason) => totals.has(reason)),
    ...[...totals.keys()].filter((reason) => !known.includes(reason)).sort(),
  ];
  return [
    {
      key: 'sent',
      label: 'Sent',
      color: sentColor,
      total: hours.reduce((sum, hour) => sum + hour.sent, 0),
    },
    ...reasons.map((reason) => ({
      key: reason,
      label: reasonLabel(reason),
      color: reasonColor(reason),
      total: totals.get(reason) ?? 0,
    })),
  ];
}

export function barsOf(hours: readonly Hour[], series: readonly Series[]): Bar[] {
  return hours.map((hour) => {
    const segments = series
      .map((entry) => ({ key: entry.key, value: entry.key === 'sent' ? hour.sent : (hour.refused[entry.key] ?? 0) }))
      .filter((segment) => segment.value > 0);
    return { hour: hour.hour, total: segments.reduce((sum, segment) => sum + segment.value, 0), segments };
  });
}

/** A round top for the axis, at least the tallest bar. */
export function axisMax(bars: readonly Bar[]): number {
  const tallest = Math.max(0, ...bars.map((bar) => bar.total));
  if (tallest <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(tallest));
  // Steps whose half (the middle gridline) is a whole number too.
  const steps = power >= 10 ? [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10] : [2, 4, 6, 8, 10];
  return (steps.find((step) => step * power >= tallest) ?? 10) * power;
}

const count = (value: number) => value.toLocaleString('en');

/** The chart in one sentence, for screen readers (its table has the hours). */
export function chartSummary(hours: readonly Hour[]): string {
  const series = seriesOf(hours);
  const [sent, ...refusals] = series;
  const refused = refusals.reduce((sum, entry) => sum + entry.total, 0);
  const span = hours.length === 1 ? 'Last hour' : `Last ${hours.length} hours`;
  const base = `${span}: ${count(sent?.total ?? 0)} codes sent, ${count(refused)} refused`;
  if (refused === 0) return `${base}.`;
  const reasons = refusals
    .filter((entry) => entry.total > 0)
    .sort((a, b) => b.total - a.total)
    .map((entry) => `${entry.label.toLowerCase()} ${count(entry.total)}`);
  const bars = barsOf(hours, series);
  const peak = bars.reduce((best, bar) => (refusedIn(bar) > refusedIn(best) ? bar : best), bars[0] as Bar);
  return `${base} (${reasons.join(', ')}); most refusals in the hour from ${hourLabel(peak.hour)}.`;
}

const refusedIn = (bar: Bar) =>
  bar.segments.reduce((sum, segment) => sum + (segment.key === 'sent' ? 0 : segment.value), 0);

/** "14:00" in the admin's time zone. */
export function hourLabel(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false });
}
