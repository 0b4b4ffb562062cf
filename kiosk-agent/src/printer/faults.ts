import { z } from 'zod';
import type { PrinterFault } from './printer';

/** Fault kinds the simulated printer can be told to have (dev panel, tests, demos). */
export const PrinterFaultKind = z.enum(['jam', 'paperOut', 'coverOpen', 'offline']);
export type PrinterFaultKind = z.infer<typeof PrinterFaultKind>;

/**
 * Body of `POST /dev/printer/faults`: the fault now, or when page `atPage` is about to be printed
 * (counting pages printed from now on, across jobs; only pages of job `jobId` when given). That page is
 * not printed: it is the spoiled one. `where` is only for jams (default `paper path`).
 */
export const PrinterFaultRequest = z
  .object({
    kind: PrinterFaultKind,
    atPage: z.number().int().min(1).max(10_000).optional(),
    where: z.string().trim().min(1).max(40).optional(),
    jobId: z.string().min(1).max(200).optional(),
  })
  .strict()
  .refine((body) => body.where === undefined || body.kind === 'jam', {
    message: '`where` is only for jams',
    path: ['where'],
  });
export type PrinterFaultRequest = z.infer<typeof PrinterFaultRequest>;

/** Body of `POST /dev/printer/clear` (staff fixed it): empty, or `{ refillPaper: false }` to keep the count. */
export const PrinterClearRequest = z
  .object({
    /** Refill the paper to capacity when the fault was paper out (default true, like staff would). */
    refillPaper: z.boolean().optional(),
  })
  .strict();
export type PrinterClearRequest = z.infer<typeof PrinterClearRequest>;

export const DEFAULT_JAM_WHERE = 'paper path';

/** The printer status a fault request puts the printer in. */
export function faultStatus(request: Pick<PrinterFaultRequest, 'kind' | 'where'>): PrinterFault {
  switch (request.kind) {
    case 'jam':
      return { state: 'jam', where: request.where ?? DEFAULT_JAM_WHERE };
    case 'paperOut':
      return { state: 'paperOut' };
    case 'coverOpen':
      return { state: 'coverOpen' };
    case 'offline':
      return { state: 'offline' };
  }
}
