import type { Express } from 'express';
import type { FleetEvent } from './ops-schemas';

/**
 * Hands fleet events from the HTTP routes (which know nothing of socket.io) to whoever broadcasts them:
 * the live channel subscribes once the HTTP server exists (startFleet). Events published before anyone
 * subscribed are dropped — the dashboard reads the current state through the API when it connects.
 */
export class FleetBus {
  private readonly listeners = new Set<(event: FleetEvent) => void>();

  publish(event: FleetEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  subscribe(listener: (event: FleetEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

const KEY = 'hqFleetBus';

/** The app's bus, created on first use; app.locals carries it from createApp to the server wiring. */
export function fleetBusOf(app: Express): FleetBus {
  const locals = app.locals as Record<string, unknown>;
  const existing = locals[KEY];
  if (existing instanceof FleetBus) return existing;
  const bus = new FleetBus();
  locals[KEY] = bus;
  return bus;
}
