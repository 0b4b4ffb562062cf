import type { CardConnection, CardReader, ReaderEvent } from 'kiosk-agent/card/reader';
import type { EmulatorReader } from 'kiosk-agent/card/emulator-reader';
import { KioskError } from 'kiosk-agent/errors';

export type PullMode = 'beforeCommand' | 'afterCommand';

/**
 * A reader that pulls the card at a chosen APDU: before the card sees command n (it never arrives), or
 * after the card has processed it (its answer is lost). Counting every APDU of a flow and pulling at each
 * one in turn covers "the card pulled at every step".
 */
export class FaultyReader implements CardReader {
  private count = 0;
  private pullAt: { n: number; mode: PullMode } | undefined;

  constructor(private readonly inner: EmulatorReader) {}

  get name(): string {
    return this.inner.name;
  }

  get cardPresent(): boolean {
    return this.inner.cardPresent;
  }

  /** APDUs sent since the last arm(). */
  get commands(): number {
    return this.count;
  }

  arm(pullAt?: { n: number; mode: PullMode }): void {
    this.count = 0;
    this.pullAt = pullAt;
  }

  onEvent(listener: (event: ReaderEvent) => void): () => void {
    return this.inner.onEvent(listener);
  }

  async connect(): Promise<CardConnection> {
    const connection = await this.inner.connect();
    return {
      atr: connection.atr,
      transmit: async (command, options) => {
        this.count++;
        const pull = this.pullAt?.n === this.count ? this.pullAt.mode : undefined;
        if (pull === 'beforeCommand') {
          this.inner.remove();
          throw new KioskError('CARD_REMOVED', 'pulled by the test');
        }
        const response = await connection.transmit(command, options);
        if (pull === 'afterCommand') {
          this.inner.remove();
          throw new KioskError('CARD_REMOVED', 'pulled by the test');
        }
        return response;
      },
      disconnect: () => connection.disconnect(),
    };
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
