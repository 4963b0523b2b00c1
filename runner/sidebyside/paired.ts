/**
 * Paired comparisons: two sides measured in adjacent windows (runner/sidebyside/windows.ts), one
 * pair per block. From the pairs' ratios: a 95 % interval of the ratio, a test over the pairs,
 * and the call (`higher`, `lower`, or `same` where the runs cannot tell).
 *
 * Method (docs/statistics.md):
 * - the ratio is the geometric mean of the per-pair ratios value / base, i.e. exp(mean(d)) with
 *   d = ln(value / base) per pair; drift that hits both windows of a pair cancels in d;
 * - its 95 % interval is Student's t-interval on the d's, exp(mean ± t(0.975, n-1) · sd / √n),
 *   the standard interval for the mean of paired differences (NIST/SEMATECH e-Handbook of
 *   Statistical Methods, 7.3.1; on log ratios as for a ratio of geometric means);
 * - the test is the Wilcoxon signed-rank test on the d's, exact (ties at mid-ranks, zeros
 *   dropped), two-sided (Wilcoxon 1945; Hollander & Wolfe, Nonparametric Statistical Methods, 3.1);
 *   benchstat reads `~` when its (unpaired) rank test gives p > 0.05, as this does;
 * - `same` when p > ALPHA, or the interval is not clear of 1, or the interval is not clear of the
 *   stated noise band (NOISE_BAND): a difference is called only when its whole 95 % interval lies
 *   beyond ±NOISE_BAND, as criterion.rs calls a change only when its interval clears its noise
 *   threshold (a minimum-effect test: the chance of calling a true difference inside the band is
 *   at most 2.5 % a side). Two identical server processes measured side by side were seen to
 *   differ by a steady ~2.5 % (issue 20), so an interval that reaches into the band is not called.
 */

/** Level of the test and the interval (95 %). */
export const ALPHA = 0.05;
/**
 * A difference is called only when its 95 % interval lies wholly beyond ±2 % (above 1.02, or
 * below 1 / 1.02): two identical server processes are not told apart closer than that here (the
 * issue saw a steady ~2.5 %). Chosen on five stored proof sets (docs/statistics.md,
 * test/proof/band-choice.mjs: resampled benches of 30 blocks, identical code called in 4 of 1,000
 * at ±2 %, 1 at ±3 %, while a 10 % slowdown was called in 190 of 200 at ±2 %, 181 at ±3 %) and
 * checked on a sixth benched after the choice.
 */
export const NOISE_BAND = 0.02;
/**
 * Pairs the signed-rank test needs before it can say anything at ALPHA: with n pairs its smallest
 * two-sided p is 2 / 2^n (0.0625 at 5, 0.031 at 6). With fewer (3 runs of a scenario that repeats
 * fresh servers), the t-interval alone decides, as for unpaired runs.
 */
export const MIN_PAIRS = 6;

/** t(0.975, df) for df = 1..30; beyond, the normal 1.96 plus a small-sample term. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];
export function t975(df: number): number {
  if (df < 1) return Number.POSITIVE_INFINITY;
  return df <= 30 ? T975[df - 1] : 1.96 + 2.4 / df;
}

/**
 * Two-sided p of the Wilcoxon signed-rank test that the d's are symmetric about 0. Exact: the
 * null distribution of the positive ranks' sum over all 2^n sign patterns, by dynamic programming
 * on doubled (integer) mid-ranks. 1 when no d is non-zero.
 */
export function signedRankP(d: number[]): number {
  const x = d.filter((v) => v !== 0 && Number.isFinite(v));
  const n = x.length;
  if (n === 0) return 1;
  const order = x.map((v, i) => ({ a: Math.abs(v), pos: v > 0, i })).sort((p, q) => p.a - q.a);
  // Doubled mid-ranks: ties share the mean of their ranks (×2 keeps them whole).
  const ranks2 = new Array<number>(n);
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && order[j + 1].a === order[i].a) j++;
    for (let k = i; k <= j; k++) ranks2[k] = i + j + 2;
    i = j + 1;
  }
  const total = ranks2.reduce((s, r) => s + r, 0);
  const wPlus = order.reduce((s, o, k) => s + (o.pos ? ranks2[k] : 0), 0);
  // ways[s]: sign patterns whose positive doubled ranks sum to s.
  let ways = new Float64Array(total + 1);
  ways[0] = 1;
  for (const r of ranks2) {
    const next = new Float64Array(total + 1);
    for (let s = 0; s <= total; s++) {
      if (ways[s] === 0) continue;
      next[s] += ways[s];
      next[s + r] += ways[s];
    }
    ways = next;
  }
  const all = 2 ** n;
  // Two-sided: as extreme as wPlus or as its mirror total - wPlus.
  const lowSide = Math.min(wPlus, total - wPlus);
  let tail = 0;
  for (let s = 0; s <= lowSide; s++) tail += ways[s];
  return Math.min(1, (2 * tail) / all);
}

/** What the pairs say. */
export interface PairedStats {
  /** Pairs used (both sides finite and positive). */
  n: number;
  /** Geometric mean of value / base. */
  ratio: number;
  /** 95 % interval of the ratio (equal to `ratio` with fewer than 2 pairs: unknown, see `n`). */
  lo: number;
  hi: number;
  /** Two-sided Wilcoxon signed-rank p over the pairs; null for unpaired samples and fewer than MIN_PAIRS pairs (the interval decides). */
  p: number | null;
  /** `paired`: windows side by side; `welch`: two independent sets of runs. */
  method: 'paired' | 'welch';
  /** `higher`/`lower`: value above/below base, called; `same`: the runs cannot tell. */
  call: 'higher' | 'lower' | 'same';
  /**
   * Why `same`, when it is: `p` (the test), `band` (the interval not clear of ±NOISE_BAND), `n` (fewer than 2 pairs),
   * `few` (fewer than MIN_PAIRS pairs, no rank test, and the t-interval holds 1).
   */
  sameBy?: 'p' | 'band' | 'n' | 'few';
}

/** The whole interval [lo, hi] of a ratio lies beyond ±band: above 1 + band, or below 1 / (1 + band). */
export function beyondBand(lo: number, hi: number, band: number): boolean {
  return lo > 1 + band || hi < 1 / (1 + band);
}

/** Ratio, interval, test and call from [base, value] pairs measured side by side. */
export function pairedStats(pairs: Array<[number, number]>, band = NOISE_BAND): PairedStats {
  const d = pairs
    .filter(([b, v]) => b > 0 && v > 0 && Number.isFinite(b) && Number.isFinite(v))
    .map(([b, v]) => Math.log(v / b));
  const n = d.length;
  const none = {
    lo: Number.NaN,
    hi: Number.NaN,
    p: null,
    method: 'paired' as const,
    call: 'same' as const,
    sameBy: 'n' as const,
  };
  if (n === 0) return { n, ratio: Number.NaN, ...none };
  const mean = d.reduce((s, v) => s + v, 0) / n;
  const ratio = Math.exp(mean);
  if (n < 2) return { n, ratio, ...none };
  const sd = Math.sqrt(d.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
  const half = (t975(n - 1) * sd) / Math.sqrt(n);
  const lo = Math.exp(mean - half);
  const hi = Math.exp(mean + half);
  // Fewer than MIN_PAIRS: no rank test (it could not reach ALPHA); the interval alone decides.
  const p = n >= MIN_PAIRS ? signedRankP(d) : null;
  const base = { n, ratio, lo, hi, p, method: 'paired' as const };
  const clear = lo > 1 || hi < 1;
  if (p === null && !clear) return { ...base, call: 'same', sameBy: 'few' };
  if ((p !== null && p > ALPHA) || !clear) return { ...base, call: 'same', sameBy: 'p' };
  if (!beyondBand(lo, hi, band)) return { ...base, call: 'same', sameBy: 'band' };
  return { ...base, call: ratio > 1 ? 'higher' : 'lower' };
}

/** The d's of independent samples cannot be paired: an interval of the ratio of geometric means (Welch). */
export function unpairedStats(base: number[], value: number[], band = NOISE_BAND): PairedStats {
  const lb = base.filter((v) => v > 0 && Number.isFinite(v)).map(Math.log);
  const lv = value.filter((v) => v > 0 && Number.isFinite(v)).map(Math.log);
  const n = Math.min(lb.length, lv.length);
  const mean = (x: number[]): number => x.reduce((s, v) => s + v, 0) / x.length;
  const variance = (x: number[], m: number): number => x.reduce((s, v) => s + (v - m) ** 2, 0) / (x.length - 1);
  const none = {
    lo: Number.NaN,
    hi: Number.NaN,
    p: null,
    method: 'welch' as const,
    call: 'same' as const,
    sameBy: 'n' as const,
  };
  if (n === 0) return { n, ratio: Number.NaN, ...none };
  const diff = mean(lv) - mean(lb);
  const ratio = Math.exp(diff);
  if (lb.length < 2 || lv.length < 2) return { n, ratio, ...none };
  const vb = variance(lb, mean(lb)) / lb.length;
  const vv = variance(lv, mean(lv)) / lv.length;
  const se = Math.sqrt(vb + vv);
  // Welch-Satterthwaite degrees of freedom.
  const df =
    se === 0 ? lb.length + lv.length - 2 : (vb + vv) ** 2 / (vb ** 2 / (lb.length - 1) + vv ** 2 / (lv.length - 1));
  const half = t975(Math.max(1, Math.floor(df))) * se;
  const lo = Math.exp(diff - half);
  const hi = Math.exp(diff + half);
  // No rank test here: the interval decides (it excludes 1 exactly when Welch's t-test has p < 0.05).
  const stats = { n, ratio, lo, hi, p: null, method: 'welch' as const };
  if (!(lo > 1 || hi < 1)) return { ...stats, call: 'same', sameBy: 'p' };
  if (!beyondBand(lo, hi, band)) return { ...stats, call: 'same', sameBy: 'band' };
  return { ...stats, call: ratio > 1 ? 'higher' : 'lower' };
}
