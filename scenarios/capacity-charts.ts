/**
 * Capacity charts for the HTML report: per library and search, latency against the offered load
 * of every probe (p50 and p99, log axis), the bound as a flat line, and the capacity found as a
 * vertical line. Plain chart specs (runner/report/chart-kit.ts), read through Scenario.charts.
 */
import type { ChartDataset, ChartDraft, Point } from '../runner/report/chart-kit.js';
import type { CaseSummary, Report } from '../runner/report/schema.js';
import { libraryOrder, metricMedian, scenarioCases } from '../runner/report/format.js';

const SERIES = { p50: '#4e79a7', p99: '#f28e2b', bound: '#bab0ac', found: '#e15759' };

function byX(points: Point[]): Point[] {
  return points.filter((p) => Number.isFinite(p.y) && p.y > 0).sort((a, b) => a.x - b.x);
}

function chartOf(s: CaseSummary, scenario: string): ChartDraft | null {
  const probes = (s.probes ?? []).filter((p) => p.figures.p50Us !== undefined);
  if (probes.length === 0) return null;
  const room = s.case.params.search === 'room';
  const found = metricMedian(s, room ? 'maxClients' : 'maxRate');
  const boundUs = Number(s.case.params.bound) * 1000;
  const xs = probes.map((p) => p.offered);
  const ys = probes.flatMap((p) => [p.figures.p50Us, p.figures.p99Us]).filter((v) => v > 0);
  const [lo, hi] = [Math.min(...ys, boundUs), Math.max(...ys, boundUs)];
  const datasets: ChartDataset[] = [
    {
      label: room ? 'fan-out p50' : 'p50',
      color: SERIES.p50,
      data: byX(probes.map((p) => ({ x: p.offered, y: p.figures.p50Us }))),
    },
    {
      label: room ? 'fan-out p99' : 'p99',
      color: SERIES.p99,
      data: byX(probes.map((p) => ({ x: p.offered, y: p.figures.p99Us }))),
    },
    {
      label: `bound ${s.case.params.bound} ms`,
      color: SERIES.bound,
      data: [
        { x: Math.min(...xs), y: boundUs },
        { x: Math.max(...xs), y: boundUs },
      ],
    },
  ];
  if (found !== null)
    datasets.push({
      label: `capacity ${Math.round(found)}`,
      color: SERIES.found,
      data: [
        { x: found, y: lo },
        { x: found, y: hi },
      ],
    });
  return {
    name: `capacity:${scenario}:${s.case.id}:${s.library}`,
    section: scenario,
    title: `${s.library} — ${room ? 'fan-out latency versus room size' : 'latency versus offered rate'} (${s.case.label})`,
    kind: 'xy',
    xTitle: room ? 'clients in the room' : 'offered rate (msgs/s)',
    yTitle: 'µs (log)',
    yLog: true,
    datasets,
  };
}

/** One chart per library and case of a capacity scenario, in library order. */
export function capacityCharts(report: Report, scenario: string): ChartDraft[] {
  const out: ChartDraft[] = [];
  for (const c of scenarioCases(report, scenario)) {
    for (const lib of libraryOrder(report)) {
      const s = report.summaries.find(
        (x) => x.scenario === scenario && x.case.id === c.id && x.library === lib && x.status === 'completed',
      );
      const d = s ? chartOf(s, scenario) : null;
      if (d) out.push(d);
    }
  }
  return out;
}
