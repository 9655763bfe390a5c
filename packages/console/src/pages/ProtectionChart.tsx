import { useId } from 'react';
import { axisMax, barsOf, chartSummary, type Hour, hourLabel, seriesOf } from './protection-chart.ts';

const barWidth = 24;
const gap = 6;
const plotHeight = 160;
const axisWidth = 44;
const labelHeight = 20;

/**
 * Sends and refusals by reason, hour by hour, as stacked bars in plain SVG. Screen readers get a
 * one-sentence summary; everyone can open the same numbers as a table.
 */
export function ProtectionChart(props: { hours: readonly Hour[] }) {
  const id = useId();
  const series = seriesOf(props.hours);
  const bars = barsOf(props.hours, series);
  const top = axisMax(bars);
  const colors = new Map(series.map((entry) => [entry.key, entry.color]));
  const labels = new Map(series.map((entry) => [entry.key, entry.label]));
  const width = axisWidth + bars.length * (barWidth + gap);
  const scale = (value: number) => (value / top) * plotHeight;
  const shown = series.filter((entry) => entry.total > 0 || entry.key === 'sent');

  if (props.hours.length === 0) return <p className="muted">No data for the last 24 hours yet.</p>;
  return (
    <figure className="protection-chart">
      <svg
        viewBox={`0 0 ${width} ${plotHeight + labelHeight + 8}`}
        role="img"
        aria-label={chartSummary(props.hours)}
        aria-describedby={`${id}-legend`}
        preserveAspectRatio="xMinYMin meet"
      >
        {[0, 0.5, 1].map((share) => {
          const y = 4 + plotHeight - share * plotHeight;
          return (
            <g key={share}>
              <line x1={axisWidth - 4} x2={width} y1={y} y2={y} className="protection-gridline" />
              <text x={axisWidth - 8} y={y + 4} textAnchor="end" className="protection-axis">
                {(top * share).toLocaleString('en')}
              </text>
            </g>
          );
        })}
        {bars.map((bar, index) => {
          const x = axisWidth + index * (barWidth + gap);
          let y = 4 + plotHeight;
          return (
            <g key={bar.hour}>
              {bar.segments.map((segment) => {
                const height = scale(segment.value);
                y -= height;
                return (
                  <rect key={segment.key} x={x} y={y} width={barWidth} height={height} fill={colors.get(segment.key)}>
                    <title>
                      {hourLabel(bar.hour)}: {labels.get(segment.key)} {segment.value.toLocaleString('en')}
                    </title>
                  </rect>
                );
              })}
              {index % 3 === 0 ? (
                <text
                  x={x + barWidth / 2}
                  y={plotHeight + labelHeight + 4}
                  textAnchor="middle"
                  className="protection-axis"
                >
                  {hourLabel(bar.hour)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul className="protection-legend" id={`${id}-legend`}>
          {shown.map((entry) => (
            <li key={entry.key}>
              <span className="protection-swatch" style={{ background: entry.color }} aria-hidden="true" />
              {entry.label}: {entry.total.toLocaleString('en')}
            </li>
          ))}
        </ul>
        <details>
          <summary>Show the numbers as a table</summary>
          <div className="table-scroll">
            <table className="table protection-chart-table">
              <caption className="visually-hidden">Sends and refusals by hour, last 24 hours</caption>
              <thead>
                <tr>
                  <th scope="col">Hour</th>
                  {shown.map((entry) => (
                    <th scope="col" key={entry.key}>
                      {entry.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {props.hours.map((hour) => (
                  <tr key={hour.hour}>
                    <th scope="row">{hourLabel(hour.hour)}</th>
                    {shown.map((entry) => (
                      <td key={entry.key}>
                        {(entry.key === 'sent' ? hour.sent : (hour.refused[entry.key] ?? 0)).toLocaleString('en')}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      </figcaption>
    </figure>
  );
}
