import type { Dashboard, DashboardRange } from '@passline/contracts';
import type { ChartConfiguration } from 'chart.js';

/** Colours that stay apart for colour-blind readers (Okabe–Ito). */
export const palette = {
  sent: '#0072B2',
  delivered: '#009E73',
  verified: '#E69F00',
  failed: '#D55E00',
  refused: '#CC79A7',
  other: '#56B4E9',
};

const base = {
  responsive: true,
  maintainAspectRatio: false,
  // Drawn at once: the numbers are what matters, and screenshots are taken right away.
  animation: false,
  interaction: { mode: 'index', intersect: false },
  plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
} as const;

/** A point's label: the minute, the hour or the day, in the admin's time zone. */
export function pointLabel(at: string, range: DashboardRange): string {
  const date = new Date(at);
  if (range === '30d') return date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  return date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

export const percent = (share: number | null) => (share === null ? '–' : `${Math.round(share * 1000) / 10}%`);

export function trafficChart(dashboard: Dashboard): ChartConfiguration {
  const labels = dashboard.series.map((point) => pointLabel(point.at, dashboard.range));
  const line = (label: string, key: 'sent' | 'delivered' | 'verified', color: string) => ({
    label,
    data: dashboard.series.map((point) => point[key]),
    borderColor: color,
    backgroundColor: color,
    pointRadius: 0,
    borderWidth: 2,
    tension: 0.2,
  });
  return {
    type: 'line',
    data: {
      labels,
      datasets: [
        line('Sent', 'sent', palette.sent),
        line('Delivered', 'delivered', palette.delivered),
        line('Verified', 'verified', palette.verified),
      ],
    },
    options: {
      ...base,
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } }, x: { ticks: { maxTicksLimit: 8 } } },
    },
  };
}

export function conversionChart(dashboard: Dashboard): ChartConfiguration {
  return {
    type: 'line',
    data: {
      labels: dashboard.series.map((point) => pointLabel(point.at, dashboard.range)),
      datasets: [
        {
          label: 'Conversion (verified / sent)',
          data: dashboard.series.map((point) => (point.conversion === null ? null : point.conversion * 100)),
          borderColor: palette.verified,
          backgroundColor: palette.verified,
          pointRadius: 2,
          spanGaps: true,
        },
      ],
    },
    options: {
      ...base,
      scales: {
        y: { min: 0, max: 100, ticks: { callback: (value) => `${value}%` } },
        x: { ticks: { maxTicksLimit: 8 } },
      },
    },
  };
}

/** Horizontal bars: long labels (countries, connectors, reasons) stay readable on a phone. */
export function barChart(
  labels: string[],
  datasets: Array<{ label: string; data: number[]; color: string }>,
): ChartConfiguration {
  return {
    type: 'bar',
    data: {
      labels,
      datasets: datasets.map((set) => ({ label: set.label, data: set.data, backgroundColor: set.color })),
    },
    options: {
      ...base,
      indexAxis: 'y',
      plugins: { legend: { ...base.plugins.legend, display: datasets.length > 1 } },
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  };
}

export function costChart(dashboard: Dashboard): ChartConfiguration {
  const days = [...new Set(dashboard.cost.perDay.map((entry) => entry.day))];
  const currencies = [...new Set(dashboard.cost.perDay.map((entry) => entry.currency))];
  const colors = [palette.sent, palette.failed, palette.delivered, palette.refused];
  return {
    type: 'bar',
    data: {
      labels: days,
      datasets: currencies.map((currency, index) => ({
        label: currency,
        data: days.map(
          (day) => dashboard.cost.perDay.find((entry) => entry.day === day && entry.currency === currency)?.amount ?? 0,
        ),
        backgroundColor: colors[index % colors.length],
      })),
    },
    options: { ...base, scales: { y: { beginAtZero: true } } },
  };
}
