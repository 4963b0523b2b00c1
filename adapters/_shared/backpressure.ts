/**
 * The slow-consumers scenario's --backpressure-limit, as the server process sees it
 * (WSBENCH_BACKPRESSURE_LIMIT, bytes): undefined leaves each library at wsbench's usual setting.
 */
const raw = Number(process.env.WSBENCH_BACKPRESSURE_LIMIT ?? '');
export const BACKPRESSURE_LIMIT: number | undefined = Number.isFinite(raw) && raw > 0 ? raw : undefined;

/** Sum of `f` over a set: the bytes a library holds for its room's members. */
export function sumOver<T>(items: Iterable<T>, f: (x: T) => number | undefined): number {
  let n = 0;
  for (const x of items) n += f(x) ?? 0;
  return n;
}
