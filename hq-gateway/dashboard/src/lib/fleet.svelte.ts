import { io, type Socket } from 'socket.io-client';
import {
  AlertEvent,
  HourlyIssuances,
  LIVE_PATH,
  TerminalSummary,
  type Alert,
  type StateCounts,
  type TerminalState,
} from '../../../src/fleet/ops-schemas';
import { api } from './api';

/**
 * The dashboard's picture of the fleet: loaded through the API, then kept current by the live channel.
 * Live payloads are validated with the same schemas as the API answers.
 */
class Fleet {
  terminals = $state<Record<string, TerminalSummary>>({});
  openAlerts = $state<Alert[]>([]);
  hours = $state<HourlyIssuances[]>([]);
  connected = $state(false);
  /** Bumped on every live terminal event, so that an open terminal page can refresh its timeline. */
  revision = $state(0);
  loadError = $state<string | null>(null);
  private socket: Socket | undefined;

  counts = $derived.by(() => {
    const counts: StateCounts = { online: 0, offline: 0, jam: 0, paperOut: 0, error: 0 };
    for (const t of Object.values(this.terminals)) counts[t.state] += 1;
    return counts;
  });

  list(state: TerminalState | '', q: string): TerminalSummary[] {
    const needle = q.trim().toLowerCase();
    return Object.values(this.terminals)
      .filter((t) => (state === '' || t.state === state) && (needle === '' || matches(t, needle)))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  async start(): Promise<void> {
    this.connect();
    await this.reload();
  }

  async reload(): Promise<void> {
    try {
      const [list, alerts, hourly] = await Promise.all([api.terminals(), api.openAlerts(), api.hourly(24)]);
      this.terminals = Object.fromEntries(list.terminals.map((t) => [t.id, t]));
      this.openAlerts = alerts.alerts;
      this.hours = hourly.hours;
      this.loadError = null;
    } catch (error) {
      this.loadError = (error as Error).message;
    }
  }

  stop(): void {
    this.socket?.close();
    this.socket = undefined;
    this.connected = false;
  }

  applyAlert(event: AlertEvent): void {
    const { alert } = event;
    const others = this.openAlerts.filter((a) => a.id !== alert.id);
    this.openAlerts = alert.closedAt === null ? [alert, ...others] : others;
  }

  private connect(): void {
    const socket = io({ path: LIVE_PATH, transports: ['websocket', 'polling'], withCredentials: true });
    this.socket = socket;
    socket.on('connect', () => {
      // Whatever happened while disconnected: read the current state again.
      if (this.connected === false && Object.keys(this.terminals).length > 0) void this.reload();
      this.connected = true;
    });
    socket.on('disconnect', () => (this.connected = false));
    socket.on('connect_error', () => (this.connected = false));
    socket.on('terminal', (payload: unknown) => {
      const parsed = TerminalSummary.safeParse((payload as { terminal?: unknown })?.terminal);
      if (!parsed.success) return;
      this.terminals[parsed.data.id] = parsed.data;
      this.revision += 1;
    });
    socket.on('alert', (payload: unknown) => {
      const parsed = AlertEvent.safeParse(payload);
      if (parsed.success) this.applyAlert(parsed.data);
    });
    socket.on('issuance', (payload: unknown) => {
      const parsed = HourlyIssuances.safeParse((payload as { hour?: unknown })?.hour);
      if (!parsed.success) return;
      const hour = parsed.data;
      const index = this.hours.findIndex((h) => h.hour === hour.hour);
      if (index >= 0) this.hours[index] = hour;
      else this.hours = [...this.hours.slice(1), hour];
    });
  }
}

function matches(t: TerminalSummary, needle: string): boolean {
  return t.id.toLowerCase().includes(needle) || t.name.toLowerCase().includes(needle);
}

export const fleet = new Fleet();
