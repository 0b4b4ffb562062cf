import type { Municipality } from '../registry/types';

/**
 * Fee of one 住民票の写し copy. Each municipality sets its own (commonly 200–300 yen at kiosks); only printed
 * copies are settled, so the fee is kept per copy.
 */
export function juminhyoFeePerCopy(municipality: Municipality): number {
  return municipality.juminhyoFeeYen;
}
