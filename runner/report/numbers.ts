/**
 * Number formatting and HTML escaping shared by every reporter: locale-independent, three
 * significant digits, so a column reads evenly and reports diff cleanly across machines.
 */

/** Fixed decimals by magnitude (three significant digits), so a column reads evenly. */
function fixed3(n: number): string {
  const abs = Math.abs(n);
  if (abs < 10) return n.toFixed(2);
  if (abs < 100) return n.toFixed(1);
  return groupThousands(n);
}

/** Integer with `,` separators; locale-independent so reports diff cleanly across machines. */
export function groupThousands(n: number): string {
  const sign = n < 0 ? '-' : '';
  return (
    sign +
    Math.round(Math.abs(n))
      .toString()
      .replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  );
}

/** Microseconds: `3.21`, `42.1`, `512`, `12,345` (the unit lives in the column header). */
export function formatUs(us: number): string {
  return fixed3(us);
}

/** A rate (msgs/s, handshakes/s): `950`, `45.7k`, `1.23M`. */
export function formatRate(perSec: number): string {
  const suffixes = ['', 'k', 'M', 'G'];
  let value = perSec;
  let i = 0;
  // Step up while the rounded value would print as 1000 or more ("1000k" should read "1.00M").
  while (i < suffixes.length - 1 && Math.abs(value) >= 999.5) {
    value /= 1000;
    i++;
  }
  return fixed3(value) + suffixes[i];
}

/** A percentage given as 0–100: `87.3%`, `4.20%`, `130%`. */
export function formatPercent(pct: number): string {
  return fixed3(pct) + '%';
}

/** A ratio against the baseline: `1.23x`, `0.80x`. */
export function formatRatio(ratio: number): string {
  return (ratio >= 100 ? groupThousands(ratio) : ratio.toFixed(2)) + 'x';
}

/** A metric value without its unit, formatted by what the unit says it is. */
export function formatValue(value: number, unit: string): string {
  if (!Number.isFinite(value)) return String(value);
  if (unit === 'µs' || unit === 'us') return formatUs(value);
  // Rates read best with k/M suffixes: `msg/s`, `1/s`, `MB/s`, `msg/cpu-s`.
  if (/\/(?:cpu-)?s$/i.test(unit)) return formatRate(value);
  // Counts (connections, lost messages) are whole numbers: `3`, not `3.00`. Only count units:
  // a measured 41 % must still read `41.0` beside `30.2` in its column.
  if (/^(?:msgs?|conns?|connections|count)$/.test(unit) && Number.isInteger(value)) return groupThousands(value);
  return fixed3(value);
}

/** A value with its unit, for prose: `42.1 µs`, `1.23M msg/s`, `87.3%`. */
export function formatWithUnit(value: number, unit: string): string {
  if (unit === '%') return formatPercent(value);
  return unit ? `${formatValue(value, unit)} ${unit}` : formatValue(value, unit);
}

/** Escapes the five HTML-significant characters; every outside string goes through this. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
