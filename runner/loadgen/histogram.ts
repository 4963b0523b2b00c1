/** HDR histograms of latencies in nanoseconds, 3 significant digits, up to 10 minutes. */
import * as hdr from 'hdr-histogram-js';

export type Histogram = hdr.Histogram;

export function newHistogram(): Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 600e9,
    numberOfSignificantValueDigits: 3,
    bitBucketSize: 32,
    useWebAssembly: false,
  });
}

export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

export function decodeHistogram(encoded: string): Histogram {
  return hdr.decodeFromCompressedBase64(encoded, 32, false);
}

/**
 * Records into a histogram, folding runs of equal values into one call: messages echoed in one
 * chunk and sent in one batch share their latency exactly, so this saves most of the cost.
 */
export class Recorder {
  private value = 0;
  private count = 0;

  constructor(readonly histogram: Histogram) {}

  record(value: number): void {
    if (value === this.value) {
      this.count++;
      return;
    }
    if (this.count > 0) this.histogram.recordValueWithCount(this.value, this.count);
    this.value = value;
    this.count = 1;
  }

  reset(): void {
    this.count = 0;
    this.histogram.reset();
  }

  /** Records what is pending and returns the histogram. */
  done(): Histogram {
    if (this.count > 0) this.histogram.recordValueWithCount(this.value, this.count);
    this.count = 0;
    return this.histogram;
  }
}
