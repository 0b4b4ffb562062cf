import type { Logger } from 'pino';
import type { TerminalDeviceStatus } from 'hq-gateway/api/schemas';
import type { HqClient } from './client';

/** What this agent reports: every field, including those HQ accepts as optional from older agents. */
export type KioskDeviceStatus = Required<TerminalDeviceStatus>;

/**
 * Tells HQ the terminal's device status: a snapshot first (and again whenever HQ lost track or a send
 * failed), then only the fields that changed, and a heartbeat whenever nothing was sent for `heartbeatMs`
 * (HQ marks a terminal offline after 60 s of silence). Device fields and the screen's name only — never
 * anything about a customer.
 */
export class StatusUplink {
  private sent: KioskDeviceStatus | undefined;
  private sending = false;
  private again = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly hq: Pick<HqClient, 'reportStatus'>,
    private readonly read: () => KioskDeviceStatus,
    private readonly logger: Logger,
    private readonly retryMs = 5000,
    private readonly heartbeatMs = 15_000,
  ) {}

  /** Call on start and on every device change; sends are serialised and coalesced. */
  update(): void {
    if (this.closed) return;
    if (this.sending) {
      this.again = true;
      return;
    }
    void this.flush();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.heartbeatTimer);
  }

  private async flush(): Promise<void> {
    this.sending = true;
    clearTimeout(this.heartbeatTimer);
    try {
      do {
        this.again = false;
        const now = this.read();
        const sent = this.sent;
        if (!sent) {
          await this.hq.reportStatus({ kind: 'snapshot', status: now });
          this.sent = now;
          continue;
        }
        const fields = changedFields(sent, now);
        if (Object.keys(fields).length === 0) continue;
        const { applied } = await this.hq.reportStatus({ kind: 'change', fields });
        this.sent = applied ? now : undefined;
        if (!applied) this.again = true;
      } while (this.again && !this.closed);
      this.scheduleHeartbeat();
    } catch (error) {
      this.failed(error);
    } finally {
      this.sending = false;
    }
  }

  /** Restarted after every send: a heartbeat goes out only when nothing else did for heartbeatMs. */
  private scheduleHeartbeat(): void {
    if (this.closed) return;
    clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = setTimeout(() => void this.heartbeat(), this.heartbeatMs);
    this.heartbeatTimer.unref();
  }

  private async heartbeat(): Promise<void> {
    if (this.closed || this.sending) return;
    this.sending = true;
    let answered = false;
    try {
      const { applied } = await this.hq.reportStatus({ kind: 'heartbeat' });
      answered = true;
      // HQ holds no status for us (e.g. a fresh database): send a whole snapshot now.
      if (!applied) this.sent = undefined;
      this.scheduleHeartbeat();
    } catch (error) {
      this.failed(error);
    } finally {
      this.sending = false;
    }
    // A change that arrived during the heartbeat, or HQ asking for a snapshot.
    if (answered && (this.sent === undefined || this.again)) this.update();
  }

  private failed(error: unknown): void {
    // HQ unreachable: resend a whole snapshot once it answers again.
    this.sent = undefined;
    this.logger.warn({ event: 'status.uplink.failed', err: (error as Error).message }, 'status not sent');
    if (!this.closed) this.retryTimer = setTimeout(() => this.update(), this.retryMs);
  }
}

function changedFields(before: KioskDeviceStatus, after: KioskDeviceStatus): Partial<KioskDeviceStatus> {
  const fields: Partial<KioskDeviceStatus> = {};
  for (const key of Object.keys(after) as (keyof KioskDeviceStatus)[]) {
    // counters is an object: compare by value.
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key]))
      Object.assign(fields, { [key]: after[key] });
  }
  return fields;
}
