import type {
  DeviceStatusChange,
  ErrorInfo,
  Intent,
  Language,
  ScreenState,
} from 'kiosk-agent/protocol/index';
import { connectToAgent, type AgentConnection } from './socket';

/** How long a refused intent's notice stays up when no new state replaces it. */
const ACK_NOTICE_MS = 10_000;
/** After the agent refuses our token (it restarted with a new one), reload to get the new index.html. */
const RELOAD_AFTER_REJECT_MS = 5_000;

/**
 * The UI's view of the agent: the last screen state it pushed, the merged device status and the link.
 * Nothing here is the truth of the transaction; a reload rebuilds it from the agent.
 */
/** How often local typing is reported to the agent's inactivity timer. */
const ACTIVITY_EVERY_MS = 5_000;

class KioskStore {
  /** The last valid state from the agent; kept while disconnected (the overlay covers it). */
  state = $state.raw<ScreenState | null>(null);
  /** Device status: snapshot, then changes merged in. Empty until the first `device` event. */
  device = $state.raw<DeviceStatusChange>({});
  connected = $state(false);
  /** An error the agent returned in an intent's ack (shown only when the state carries no notice). */
  ackNotice = $state.raw<ErrorInfo | null>(null);

  #connection: AgentConnection | null = null;
  #ackNoticeTimer: ReturnType<typeof setTimeout> | undefined;

  get language(): Language {
    return this.state?.language ?? 'ja';
  }

  /** The notice to show: the agent's, else a refused intent's. */
  get notice(): ErrorInfo | null {
    return this.state?.notice ?? this.ackNotice;
  }

  start(): void {
    if (this.#connection) return;
    this.#connection = connectToAgent({
      state: (state) => {
        this.#setAckNotice(null);
        this.state = state;
      },
      device: (change) => {
        this.device = { ...this.device, ...change };
      },
      connection: (connected) => {
        this.connected = connected;
      },
      rejected: (tokenPresent) => {
        // Without a token (dev server without KIOSK_UI_TOKEN) a reload cannot help.
        if (tokenPresent) setTimeout(() => location.reload(), RELOAD_AFTER_REJECT_MS);
      },
    });
  }

  /**
   * Sends an intent; true if the agent accepted it. The agent answers with a new state either way.
   * Never log `intent`: it may be a PIN.
   */
  async send(intent: Intent): Promise<boolean> {
    if (!this.#connection) return false;
    this.#setAckNotice(null);
    const ack = await this.#connection.send(intent);
    if (ack === null) return false;
    if (ack.ok) return true;
    // Automatic errors (a tap racing a screen change, …) mean nothing to the user.
    if (ack.error.action !== 'automatic') this.#setAckNotice(ack.error);
    else console.error(`kiosk-ui: intent ${intent.type} refused: ${ack.error.code}`);
    return false;
  }

  /**
   * Local input (digits being typed) sends nothing to the agent, so its inactivity timer cannot see it:
   * tell it the user is still here, at most every few seconds. Carries no digit and no count.
   */
  activity(): void {
    const now = Date.now();
    if (now - this.#lastActivity < ACTIVITY_EVERY_MS) return;
    this.#lastActivity = now;
    void this.send({ type: 'stillHere' });
  }

  #lastActivity = 0;

  #setAckNotice(notice: ErrorInfo | null): void {
    clearTimeout(this.#ackNoticeTimer);
    this.ackNotice = notice;
    if (notice) this.#ackNoticeTimer = setTimeout(() => (this.ackNotice = null), ACK_NOTICE_MS);
  }
}

export const kiosk = new KioskStore();
