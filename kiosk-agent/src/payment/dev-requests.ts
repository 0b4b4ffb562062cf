import { z } from 'zod';
import { DENOMINATIONS } from './payment-device';

const DENOMINATION_LIST = DENOMINATIONS.join(', ');

/** Body of `POST /dev/payment/insert`: one coin or bill, e.g. `{ "yen": 1000 }`. */
export const PaymentInsertRequest = z
  .object({
    yen: z.literal(DENOMINATIONS, { error: `yen must be one of ${DENOMINATION_LIST}` }),
  })
  .strict();
export type PaymentInsertRequest = z.infer<typeof PaymentInsertRequest>;

/** Body of `POST /dev/payment/fault`: the acceptor out of order, or working again. */
export const PaymentFaultRequest = z
  .object({
    unavailable: z.boolean({ error: 'unavailable must be true or false' }),
  })
  .strict();
export type PaymentFaultRequest = z.infer<typeof PaymentFaultRequest>;
