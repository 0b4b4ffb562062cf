import { io, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  Intent,
  IntentAck,
  ScreenState,
  ServerToClientEvents,
} from 'kiosk-agent/protocol/index';
import { uiToken } from './ui';

type UiSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * The kiosk driven through its UI socket exactly as the touchscreen drives it (same token, same intents),
 * for end-to-end tests that walk many paths faster than a browser would.
 */
export async function connectKiosk(kioskUrl: string) {
  const token = await uiToken(kioskUrl);
  const socket: UiSocket = io(kioskUrl, { auth: { token }, transports: ['websocket'], reconnection: false });
  let state: ScreenState | undefined;
  const waiters = new Set<() => void>();
  socket.on('state', (next) => {
    state = next;
    for (const wake of waiters) wake();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });

  /** Sends an intent; throws with the error code when the agent refuses it. */
  async function send(intent: Intent): Promise<void> {
    const ack = await new Promise<IntentAck>((resolve) => socket.emit('intent', intent, resolve));
    if (!ack.ok) throw new Error(`${intent.type} refused: ${ack.error.code}`);
  }

  /** Resolves with the state once the kiosk shows `screen`. */
  function reach<K extends ScreenState['screen']>(
    screen: K,
    timeoutMs = 20_000,
  ): Promise<Extract<ScreenState, { screen: K }>> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (state?.screen !== screen) return false;
        clearTimeout(timer);
        waiters.delete(wake);
        resolve(state as Extract<ScreenState, { screen: K }>);
        return true;
      };
      const wake = () => void check();
      const timer = setTimeout(() => {
        waiters.delete(wake);
        reject(new Error(`kiosk stayed on ${state?.screen} (wanted ${screen})`));
      }, timeoutMs);
      waiters.add(wake);
      check();
    });
  }

  return {
    send,
    reach,
    get state() {
      return state;
    },
    close: () => void socket.close(),
  };
}

export type KioskSocket = Awaited<ReturnType<typeof connectKiosk>>;
