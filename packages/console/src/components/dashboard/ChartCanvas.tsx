import { Chart, type ChartConfiguration, registerables } from 'chart.js';
import { useEffect, useRef } from 'react';

Chart.register(...registerables);

/**
 * One Chart.js chart in a box of fixed height that follows its container's width (a phone's too).
 * The canvas is an image with a one-sentence summary for screen readers; `config` should be
 * memoized, since a new one redraws the chart.
 */
export function ChartCanvas(props: { config: ChartConfiguration; summary: string; height?: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, props.config);
    return () => chart.destroy();
  }, [props.config]);
  return (
    <div className="dashboard-chart" style={{ height: props.height ?? 220 }}>
      <canvas ref={canvas} role="img" aria-label={props.summary} />
    </div>
  );
}
