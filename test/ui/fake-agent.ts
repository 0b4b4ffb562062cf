/**
 * A stand-in kiosk agent for UI tests and the UI benchmark: the real HTTP app, UI routes (per-boot token
 * in index.html) and UI socket (token check, intent validation), driven by a stub flow whose state the
 * test sets directly. Intents the UI sends are recorded and may be answered with a next state.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import type { DeviceStatus, DeviceStatusChange, Intent, ScreenState } from 'kiosk-agent/protocol/index';
import { createHttpApp } from 'kiosk-agent/server/http';
import { uiRoutes } from 'kiosk-agent/server/ui-static';
import { attachUiSocket } from 'kiosk-agent/server/ui-socket';
import type { Kiosk } from 'kiosk-agent/flows/kiosk';
import type { DeviceStatusMonitor } from 'kiosk-agent/device/status';

export const UI_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../kiosk-ui/dist');

/** What the fake agent does with an intent: a next state to push, or nothing. */
export type Responder = (intent: Intent, current: ScreenState) => ScreenState | undefined;

export interface FakeAgent {
  url: string;
  /** Intents received, in order (validated by the real socket handler). */
  intents: Intent[];
  /** Shows a state on every connected UI (and to UIs that connect later). */
  push(state: ScreenState): void;
  /** Merges a device status change (e.g. reader: 'cardPresent' for the take-your-card reminders). */
  setDevice(change: DeviceStatusChange): void;
  respond(responder: Responder | null): void;
  close(): Promise<void>;
}

export async function startFakeAgent(initial: ScreenState): Promise<FakeAgent> {
  const logger = pino({ level: 'silent' });
  const token = randomBytes(16).toString('hex');
  let state = initial;
  let device: DeviceStatus = { reader: 'ready', printer: 'idle', hq: 'online', payment: 'ready' };
  let responder: Responder | null = null;
  const intents: Intent[] = [];
  const stateListeners = new Set<(s: ScreenState) => void>();
  const deviceListeners = new Set<(c: DeviceStatusChange) => void>();

  // Only the members attachUiSocket uses; the rest of Kiosk / DeviceStatusMonitor is not needed here.
  const flow: Pick<Kiosk, 'state' | 'onState' | 'handle'> = {
    get state() {
      return state;
    },
    onState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    handle(intent) {
      intents.push(intent);
      const next = responder?.(intent, state);
      if (next) push(next);
      return Promise.resolve();
    },
  };
  const devices: Pick<DeviceStatusMonitor, 'snapshot' | 'onChange'> = {
    get snapshot() {
      return { ...device };
    },
    onChange(listener) {
      deviceListeners.add(listener);
      return () => deviceListeners.delete(listener);
    },
  };
  function push(next: ScreenState): void {
    state = next;
    for (const listener of stateListeners) listener(next);
  }

  const app = createHttpApp({ ui: await uiRoutes(UI_DIST, token), logger });
  const server: Server = createServer(app);
  const io = attachUiSocket(server, {
    uiToken: token,
    flow: flow as Kiosk,
    devices: devices as DeviceStatusMonitor,
    logger,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    intents,
    push,
    setDevice(change) {
      device = { ...device, ...change };
      for (const listener of deviceListeners) listener(change);
    },
    respond(next) {
      responder = next;
    },
    close() {
      // io.close() disconnects the sockets and closes the HTTP server too.
      return new Promise((resolve) => {
        server.closeAllConnections();
        void io.close(() => resolve());
      });
    },
  };
}
