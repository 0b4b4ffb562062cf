import { DENOMINATIONS, type Denomination } from './payment-device';

/** Coins and bills of one denomination, e.g. 4 × 100 yen. */
export interface Pieces {
  yen: Denomination;
  count: number;
}

/** How many pieces of each denomination a cash store (the change float) holds. */
export type CashCounts = Record<Denomination, number>;

/** Smallest coin: every amount the acceptor handles is a multiple of it. */
export const SMALLEST_YEN = 10;

const LARGEST_FIRST = [...DENOMINATIONS].sort((a, b) => b - a);

export function emptyCounts(): CashCounts {
  return Object.fromEntries(DENOMINATIONS.map((d) => [d, 0])) as CashCounts;
}

/** Default float: 50 of each coin and 20 × 1000-yen bills (¥53,000), what a store loads in the morning. */
export function defaultFloat(): CashCounts {
  return { ...emptyCounts(), 10: 50, 50: 50, 100: 50, 500: 50, 1000: 20 };
}

export function totalYen(pieces: readonly Pieces[]): number {
  return pieces.reduce((sum, p) => sum + p.yen * p.count, 0);
}

/** Pieces, largest first, without empty entries. */
export function toPieces(counts: CashCounts): Pieces[] {
  return LARGEST_FIRST.filter((yen) => counts[yen] > 0).map((yen) => ({ yen, count: counts[yen] }));
}

/** A whole, non-negative number of yen that coins can make (a multiple of 10). */
export function checkYen(name: string, yen: number, options: { positive?: boolean } = {}): void {
  if (!Number.isSafeInteger(yen) || yen < 0 || yen % SMALLEST_YEN !== 0 || (options.positive && yen === 0)) {
    throw new RangeError(`${name} must be a whole ${options.positive ? 'positive ' : ''}multiple of 10 yen`);
  }
}

/**
 * The pieces to pay `amountYen` from `available`: largest first (greedy, as a change machine does),
 * backing off a larger piece only when the smaller ones cannot make the rest (possible with a finite
 * float, e.g. 6000 from one 5000 and three 2000 bills). Undefined when it cannot be paid exactly.
 */
export function makeChange(amountYen: number, available: CashCounts): Pieces[] | undefined {
  // Yen the pieces from index i onwards can add up to at most, to cut hopeless branches early.
  const capacity = LARGEST_FIRST.map((_, i) =>
    LARGEST_FIRST.slice(i).reduce((sum, yen) => sum + yen * available[yen], 0),
  );
  const failed = new Set<string>();
  const counts: number[] = [];
  const search = (index: number, rest: number): boolean => {
    if (rest === 0) {
      counts.fill(0, index); // clear what failed branches left below this piece
      return true;
    }
    if (index === LARGEST_FIRST.length || rest > (capacity[index] ?? 0)) return false;
    const key = `${index}:${rest}`;
    if (failed.has(key)) return false;
    const yen = LARGEST_FIRST[index] as Denomination;
    for (let count = Math.min(Math.floor(rest / yen), available[yen]); count >= 0; count -= 1) {
      counts[index] = count;
      if (search(index + 1, rest - count * yen)) return true;
    }
    counts[index] = 0;
    failed.add(key);
    return false;
  };
  if (!search(0, amountYen)) return undefined;
  return LARGEST_FIRST.map((yen, i) => ({ yen, count: counts[i] ?? 0 })).filter((p) => p.count > 0);
}

/** `counts` minus `pieces` (which the caller got from {@link makeChange} on the same counts). */
export function withdraw(counts: CashCounts, pieces: readonly Pieces[]): CashCounts {
  const next = { ...counts };
  for (const p of pieces) next[p.yen] -= p.count;
  return next;
}
