import type { DeviceStatus, DeviceStatusChange, ScreenState } from './state';
import type { IntentAck } from './intents';

/** Socket.io event maps, shared by the agent's server and the UI's client. */
export interface ServerToClientEvents {
  state: (state: ScreenState) => void;
  device: (status: DeviceStatus | DeviceStatusChange) => void;
}

export interface ClientToServerEvents {
  /** The payload is `unknown` on purpose: the agent validates it with the Intent schema. */
  intent: (intent: unknown, ack: (result: IntentAck) => void) => void;
}

/** The socket handshake carries the per-boot UI token in `auth.token`. */
export const UI_TOKEN_META = 'kiosk-ui-token';
