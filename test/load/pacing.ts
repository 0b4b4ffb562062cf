/**
 * Open-loop pacing for the load generator: the fleet offers `rate` transactions per second in total, each of
 * `kiosks` kiosks one every kiosks/rate seconds, their starts staggered evenly so the arrivals are spread
 * over time rather than all at once. A kiosk still busy when its next start comes starts late, and that
 * transaction's latency is counted from when it should have started — otherwise a slow HQ would quietly
 * lower the offered load and hide its own latency (coordinated omission).
 */
export interface Pacing {
  /** When kiosk `index`'s first transaction is due (ms, on the clock `startAt` was read from). */
  firstAt(index: number): number;
  intervalMs: number;
}

export function pacing(rate: number, kiosks: number, startAt: number): Pacing {
  if (!(rate > 0) || !Number.isInteger(kiosks) || kiosks < 1) {
    throw new Error('pacing needs a rate > 0 and at least one kiosk');
  }
  const intervalMs = (1000 * kiosks) / rate;
  return { intervalMs, firstAt: (index) => startAt + (intervalMs * index) / kiosks };
}

/** `--rate` as given: one rate, or several separated by commas to be run one after the other. */
export function parseRates(text: string): number[] {
  const rates = text.split(',').map((r) => Number(r.trim()));
  if (rates.length === 0 || rates.some((r) => !Number.isFinite(r) || r <= 0)) {
    throw new Error(`--rate takes transactions per second > 0, comma-separated for steps (got "${text}")`);
  }
  return rates;
}
