import type { Logger } from 'pino';
import type { TerminalDeviceStatus } from 'hq-gateway/api/schemas';
import type { HqClient } from './client';

/**
 * Tells HQ the terminal's device status: a snapshot first (and again whenever HQ lost track or a send
 * failed), then only the fields that changed. Device fields only — never anything about a customer.
 */
export class StatusUplink {
  private sent: TerminalDeviceStatus | undefined;
  private sending = false;
  private again = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly hq: HqClient,
    private readonly read: () => TerminalDeviceStatus,
    private readonly logger: Logger,
    private readonly retryMs = 5000,
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
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }

  private async flush(): Promise<void> {
    this.sending = true;
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
    } catch (error) {
      // HQ unreachable: resend a whole snapshot once it answers again.
      this.sent = undefined;
      this.logger.warn({ event: 'status.uplink.failed', err: (error as Error).message }, 'status not sent');
      if (!this.closed) this.retryTimer = setTimeout(() => this.update(), this.retryMs);
    } finally {
      this.sending = false;
    }
  }
}

function changedFields(
  before: TerminalDeviceStatus,
  after: TerminalDeviceStatus,
): Partial<TerminalDeviceStatus> {
  const fields: Partial<TerminalDeviceStatus> = {};
  for (const key of Object.keys(after) as (keyof TerminalDeviceStatus)[]) {
    if (before[key] !== after[key]) Object.assign(fields, { [key]: after[key] });
  }
  return fields;
}
