import { io, type Socket } from 'socket.io-client';
import {
  DeviceStatusChange,
  IntentAck,
  ScreenState,
  UI_TOKEN_META,
  type ClientToServerEvents,
  type Intent,
  type ServerToClientEvents,
} from 'kiosk-agent/protocol/index';

/** How long to wait for the agent to acknowledge an intent. */
export const ACK_TIMEOUT_MS = 15_000;

/** What index.html carries until the agent replaces it with the per-boot token. */
const TOKEN_PLACEHOLDER = '__KIOSK_UI_TOKEN__';

export type AgentSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface AgentHandlers {
  /** A validated, complete screen state. */
  state(state: ScreenState): void;
  /** A validated device status snapshot or change (merge it). */
  device(change: DeviceStatusChange): void;
  connection(connected: boolean): void;
  /** The agent refused the handshake (e.g. the token is from a previous boot). */
  rejected(tokenPresent: boolean): void;
}

export interface AgentConnection {
  /**
   * Sends one intent. Resolves with the agent's acknowledgement, or null when it could not be delivered
   * (disconnected, no answer in time, malformed answer). Never buffered for later: a tap made while
   * disconnected is dropped rather than replayed into a different screen.
   */
  send(intent: Intent): Promise<IntentAck | null>;
  close(): void;
}

/** The per-boot UI token from `<meta name="kiosk-ui-token">`, or null if the agent did not fill it in. */
export function readUiToken(doc: Document = document): string | null {
  const content = doc.querySelector<HTMLMetaElement>(`meta[name="${UI_TOKEN_META}"]`)?.content ?? '';
  return content !== '' && content !== TOKEN_PLACEHOLDER ? content : null;
}

/** Connects to the agent on the page's own origin. */
export function connectToAgent(handlers: AgentHandlers): AgentConnection {
  const token = readUiToken();
  const socket: AgentSocket = io({
    auth: { token: token ?? '' },
    reconnectionDelay: 500,
    reconnectionDelayMax: 2_000,
  });
  let closed = false;

  socket.on('connect', () => handlers.connection(true));
  socket.on('disconnect', (reason) => {
    handlers.connection(false);
    // The server dropped us on purpose; socket.io does not retry that by itself.
    if (reason === 'io server disconnect' && !closed) setTimeout(() => !closed && socket.connect(), 2_000);
  });
  socket.on('connect_error', () => {
    handlers.connection(false);
    // `active` stays true for network errors (socket.io keeps retrying); false means the server said no.
    if (!socket.active && !closed) handlers.rejected(token !== null);
  });

  socket.on('state', (raw) => {
    const parsed = ScreenState.safeParse(raw);
    if (parsed.success) handlers.state(parsed.data);
    // Paths only: never log values (a state may carry personal data).
    else
      console.error(
        'kiosk-ui: ignored an invalid state',
        parsed.error.issues.map((i) => i.path.join('.')),
      );
  });
  socket.on('device', (raw) => {
    const parsed = DeviceStatusChange.safeParse(raw);
    if (parsed.success) handlers.device(parsed.data);
    else console.error('kiosk-ui: ignored an invalid device status');
  });

  return {
    send(intent) {
      if (!socket.connected) return Promise.resolve(null);
      return new Promise((resolve) => {
        socket.timeout(ACK_TIMEOUT_MS).emit('intent', intent, (err, ack) => {
          if (err) return resolve(null);
          const parsed = IntentAck.safeParse(ack);
          resolve(parsed.success ? parsed.data : null);
        });
      });
    },
    close() {
      closed = true;
      socket.close();
    },
  };
}
