/**
 * Deadlines for many short calls with one lazily armed timer. A setTimeout/clearTimeout pair per APDU cost
 * about 10 µs here (measured with test/bench/card-bench.ts: ~7 % of a 0.15 ms round trip); with back-to-back
 * APDUs this timer is re-armed only about once per timeout period.
 */

interface Entry {
  deadline: number;
  expire: () => void;
}

/** Node's timers have millisecond resolution: a deadline this close counts as reached. */
const TOLERANCE_MS = 1;

export class Watchdog {
  private readonly entries = new Set<Entry>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private armedFor = Number.POSITIVE_INFINITY;

  /** Calls `expire` once, `ms` from now, unless the returned cancel function is called first. */
  start(ms: number, expire: () => void): () => void {
    const entry: Entry = { deadline: performance.now() + ms, expire };
    this.entries.add(entry);
    if (entry.deadline < this.armedFor) this.arm(entry.deadline);
    return () => {
      this.entries.delete(entry);
    };
  }

  private arm(deadline: number): void {
    clearTimeout(this.timer);
    this.armedFor = deadline;
    this.timer = setTimeout(() => this.fire(), Math.max(0, deadline - performance.now()));
    // Never what keeps the process alive: a pending native call does that by itself.
    this.timer.unref();
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    const now = performance.now();
    let next = Number.POSITIVE_INFINITY;
    for (const entry of [...this.entries]) {
      if (entry.deadline <= now + TOLERANCE_MS) {
        this.entries.delete(entry);
        entry.expire();
      } else {
        next = Math.min(next, entry.deadline);
      }
    }
    if (next !== Number.POSITIVE_INFINITY) this.arm(next);
  }
}
