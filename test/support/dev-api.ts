/** A thin client of the agent's /dev JSON API, as tests and demos drive it. */
import type { DevCardView } from 'kiosk-agent/dev/virtual-cards';

export type DevCard = DevCardView;

export interface DevPrint {
  file: string;
  bytes: number;
  createdAt: string;
  url: string;
}

async function call<T>(url: string, method = 'GET', body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export interface PaymentView {
  state: 'ready' | 'accepting' | 'unavailable';
  insertedYen: number;
  keptYen: number;
  dispensed: { reason: 'change' | 'cancel' | 'unavailable' | 'refund'; yen: number }[];
}

export function devApi(kioskUrl: string) {
  return {
    cards: async () => (await call<{ cards: DevCard[] }>(`${kioskUrl}/dev/cards`)).cards,
    insert: (id: string) => call(`${kioskUrl}/dev/cards/${encodeURIComponent(id)}/insert`, 'POST'),
    remove: () => call(`${kioskUrl}/dev/cards/remove`, 'POST'),
    prints: async () => (await call<{ prints: DevPrint[] }>(`${kioskUrl}/dev/prints`)).prints,
    /** Puts a coin or bill into the simulated acceptor. */
    insertMoney: (yen: number) =>
      call<{ accepted: boolean; insertedYen: number }>(`${kioskUrl}/dev/payment/insert`, 'POST', { yen }),
    payment: () => call<PaymentView>(`${kioskUrl}/dev/payment`),
    printerFault: (body: unknown) => call(`${kioskUrl}/dev/printer/faults`, 'POST', body),
    printerClear: () => call(`${kioskUrl}/dev/printer/clear`, 'POST', {}),
  };
}
