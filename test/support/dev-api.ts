/** A thin client of the agent's /dev JSON API, as tests and demos drive it. */
import type { DevCardView } from 'kiosk-agent/dev/virtual-cards';

export type DevCard = DevCardView;

export interface DevPrint {
  file: string;
  bytes: number;
  createdAt: string;
  url: string;
}

async function call<T>(url: string, method = 'GET'): Promise<T> {
  const response = await fetch(url, { method });
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export function devApi(kioskUrl: string) {
  return {
    cards: async () => (await call<{ cards: DevCard[] }>(`${kioskUrl}/dev/cards`)).cards,
    insert: (id: string) => call(`${kioskUrl}/dev/cards/${encodeURIComponent(id)}/insert`, 'POST'),
    remove: () => call(`${kioskUrl}/dev/cards/remove`, 'POST'),
    prints: async () => (await call<{ prints: DevPrint[] }>(`${kioskUrl}/dev/prints`)).prints,
  };
}
