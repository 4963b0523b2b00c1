/**
 * The browser half of the HTML report: reads the embedded chart specs and draws them with the
 * inlined Chart.js. Written as ordinary functions so the compiler checks them, and shipped as
 * their source text (`CLIENT_SCRIPT`): they must therefore use nothing but each other, the DOM
 * and the global `Chart` — no imports, no module-level values.
 */
import type { ChartSpec } from './html-charts.js';

/** The slice of Chart.js's global the renderer uses. */
declare const Chart: {
  new (canvas: HTMLCanvasElement, config: object): unknown;
  defaults: { font: { family: string } };
};

/** Short numbers for axis ticks: 950, 45.7k, 1.2M. */
function wsbenchShort(v: number): string {
  const abs = Math.abs(v);
  if (abs >= 1e6) return +(v / 1e6).toPrecision(3) + 'M';
  if (abs >= 1e3) return +(v / 1e3).toPrecision(3) + 'k';
  return String(+v.toPrecision(3));
}

/** Tick label of the HDR percentile axis: only 0 %, 50 %, 90 %, 99 %, ...; null hides a tick. */
function wsbenchPercentileTick(x: number): string | null {
  const marks: [number, string][] = [
    [1, '0%'],
    [2, '50%'],
    [10, '90%'],
    [100, '99%'],
    [1e3, '99.9%'],
    [1e4, '99.99%'],
    [1e5, '99.999%'],
  ];
  for (const [at, label] of marks) if (Math.abs(x - at) / at < 1e-6) return label;
  return null;
}

/** The percentile (0–100) an x position of the HDR plot stands for. */
function wsbenchPercentileOf(x: number): string {
  return +(100 * (1 - 1 / x)).toPrecision(6) + '%';
}

/** Log-axis tick label: only 1, 2 and 5 times a power of ten, so the axis stays legible. */
function wsbenchLogTick(v: number): string | null {
  const mantissa = v / Math.pow(10, Math.floor(Math.log10(v) + 1e-9));
  return [1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-6) ? wsbenchShort(v) : null;
}

function wsbenchScales(spec: ChartSpec): object {
  const title = (text: string) => ({ display: true, text });
  const yTick = spec.yLog ? (v: number) => wsbenchLogTick(Number(v)) : (v: number) => wsbenchShort(Number(v));
  const y = {
    type: spec.yLog ? 'logarithmic' : 'linear',
    beginAtZero: !spec.yLog,
    title: title(spec.yTitle),
    ticks: { autoSkip: !spec.yLog, callback: yTick },
  };
  if (spec.kind === 'percentile') {
    const x = {
      type: 'logarithmic',
      min: 1,
      title: title(spec.xTitle),
      ticks: { autoSkip: false, maxRotation: 0, callback: (v: number) => wsbenchPercentileTick(Number(v)) },
    };
    return { x, y };
  }
  if (spec.kind === 'xy')
    return {
      x: { type: 'linear', title: title(spec.xTitle), ticks: { callback: (v: number) => wsbenchShort(Number(v)) } },
      y,
    };
  return { x: { type: 'category', title: title(spec.xTitle) }, y };
}

/**
 * A Chart.js plugin that draws each bar's whisker: a vertical line over [min, max] of the runs
 * (windows) behind the bar's median, with caps, in the bar's colour darkened.
 */
function wsbenchWhiskers(spec: ChartSpec): object {
  return {
    id: 'wsbenchWhiskers',
    afterDatasetsDraw(chart: {
      ctx: CanvasRenderingContext2D;
      scales: { y: { getPixelForValue(v: number): number } };
      getDatasetMeta(i: number): { hidden?: boolean; data: { x: number; width?: number }[] };
      isDatasetVisible(i: number): boolean;
    }) {
      const ctx = chart.ctx;
      spec.datasets.forEach((d, i) => {
        if (!d.whiskers || !chart.isDatasetVisible(i)) return;
        const meta = chart.getDatasetMeta(i);
        d.whiskers.forEach((w, j) => {
          const bar = meta.data[j];
          if (!w || !bar) return;
          const [top, bottom] = [chart.scales.y.getPixelForValue(w[1]), chart.scales.y.getPixelForValue(w[0])];
          const cap = Math.min(6, (bar.width ?? 12) / 3);
          ctx.save();
          ctx.strokeStyle = '#222';
          ctx.lineWidth = 1.5;
          ctx.beginPath();
          ctx.moveTo(bar.x, top);
          ctx.lineTo(bar.x, bottom);
          ctx.moveTo(bar.x - cap, top);
          ctx.lineTo(bar.x + cap, top);
          ctx.moveTo(bar.x - cap, bottom);
          ctx.lineTo(bar.x + cap, bottom);
          ctx.stroke();
          ctx.restore();
        });
      });
    },
  };
}

function wsbenchConfig(spec: ChartSpec): object {
  const bar = spec.kind === 'bar';
  const datasets = spec.datasets.flatMap((d) => {
    const line = {
      label: d.label,
      data: d.data,
      borderColor: d.color,
      backgroundColor: bar ? d.color : d.color + '33',
      borderWidth: bar ? 0 : 2,
      pointRadius: spec.kind === 'percentile' ? 0 : 3,
      spanGaps: true,
    };
    if (!d.band) return [line];
    // The runs' band: its low edge, then its high edge filled down to it ('-1': the dataset before).
    const edge = { borderWidth: 0, pointRadius: 0, spanGaps: true, borderColor: d.color };
    return [
      line,
      { ...edge, label: d.label + ' (runs: lowest)', data: d.band.lo, fill: false },
      { ...edge, label: d.label + ' (runs: highest)', data: d.band.hi, fill: '-1', backgroundColor: d.color + '29' },
    ];
  });
  const legend = {
    position: 'bottom',
    // A band's edges are not libraries: the legend lists the libraries only.
    labels: { filter: (item: { text: string }) => !/ \(runs: (lowest|highest)\)$/.test(item.text) },
  };
  const tooltip =
    spec.kind === 'percentile'
      ? {
          callbacks: {
            title: (items: { parsed: { x: number } }[]) =>
              items[0] ? 'p' + wsbenchPercentileOf(items[0].parsed.x) : '',
          },
        }
      : {};
  return {
    type: bar ? 'bar' : 'line',
    data: { labels: spec.labels, datasets },
    plugins: bar ? [wsbenchWhiskers(spec)] : [],
    options: {
      // Static drawing: screenshots and pixel checks must not catch a half-finished animation.
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'nearest', intersect: false },
      plugins: { legend, tooltip },
      scales: wsbenchScales(spec),
    },
  };
}

/** Draws every chart; a chart that fails says so in its figure and on the console. */
function wsbenchRenderCharts(): void {
  const specs = JSON.parse(document.getElementById('chart-specs')?.textContent ?? '[]') as ChartSpec[];
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  for (const spec of specs) {
    const canvas = document.getElementById(spec.id);
    if (!(canvas instanceof HTMLCanvasElement)) continue;
    try {
      new Chart(canvas, wsbenchConfig(spec));
    } catch (err) {
      console.error(`chart ${spec.name} failed`, err);
      canvas.insertAdjacentText('afterend', `This chart could not be drawn: ${String(err)}`);
    }
  }
}

/** Source text of the renderer, ready to inline in a `<script>` element. */
export const CLIENT_SCRIPT = [
  wsbenchShort,
  wsbenchLogTick,
  wsbenchPercentileTick,
  wsbenchPercentileOf,
  wsbenchScales,
  wsbenchWhiskers,
  wsbenchConfig,
  wsbenchRenderCharts,
]
  .map((fn) => fn.toString())
  .concat('wsbenchRenderCharts();')
  .join('\n');
