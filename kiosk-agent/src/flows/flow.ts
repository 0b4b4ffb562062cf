import type { Logger } from 'pino';
import type { CardReader, ReaderEvent } from '../card/reader';
import { JpkiCard } from '../card/jpki';
import { asKioskError } from '../errors';
import type { ErrorInfo } from '../protocol/errors';
import type { Intent } from '../protocol/intents';
import type { ScreenController } from './screen';
import type { PrintJobHooks } from './print-job';

/** What every customer flow may use: the screen, the reader, logs, and the way back to idle. */
export interface FlowContext {
  screen: ScreenController;
  reader: CardReader;
  logger: Logger;
  /** Ends the transaction: wipes it and shows idle with an optional message. */
  finish(notice: ErrorInfo | null): void;
  /** A printer fault during a job: call store staff, then wait until they resume (or cancel) it. */
  staff: Pick<PrintJobHooks, 'onFault' | 'waitForStaff'>;
}

/** One customer transaction (issuance, PIN reset): started from the service menu, ended by finish(). */
export interface CustomerFlow {
  /** Shows the first screen. */
  begin(): void;
  /** An intent for this flow; throws KioskError('INVALID_STATE') when the current screen does not take it. */
  handle(intent: Intent): Promise<void>;
  onReaderEvent(event: ReaderEvent): void;
  /** Whether `cancel` may end the transaction now (not while a card or HQ operation is under way). */
  cancellable(): boolean;
  /** Drops everything personal; called once when the transaction ends for any reason. */
  wipe(): Promise<void>;
}

/** Logs a failure by code (never its data) and ends the transaction with its message. */
export function failFlow(ctx: FlowContext, error: unknown): void {
  const failure = asKioskError(error);
  ctx.logger.warn(
    { event: 'flow.failed', code: failure.code, screen: ctx.screen.screen, err: failure.message },
    'transaction failed',
  );
  ctx.finish(failure.toInfo());
}

/**
 * What the card flows share: the transaction they belong to (a reset makes every later step a no-op), the
 * card opened once as an exclusive step, and the way a pulled card ends the transaction.
 */
export abstract class CardFlow implements CustomerFlow {
  protected card: JpkiCard | undefined;
  private readonly generation: number;

  constructor(protected readonly ctx: FlowContext) {
    this.generation = ctx.screen.generation;
  }

  abstract begin(): void;
  abstract handle(intent: Intent): Promise<void>;
  abstract onReaderEvent(event: ReaderEvent): void;
  abstract cancellable(): boolean;
  abstract wipe(): Promise<void>;

  /** Whether this flow's transaction is still the one on screen. */
  protected current(): boolean {
    return this.ctx.screen.generation === this.generation;
  }

  /** Opens the card in the reader (once) and runs `read` with it, as one exclusive step; failures end the flow. */
  protected async openCard(read: (card: JpkiCard) => Promise<void>): Promise<void> {
    if (this.card || this.ctx.screen.busy) return;
    await this.ctx.screen.exclusive(async () => {
      try {
        const card = await JpkiCard.open(this.ctx.reader);
        if (!this.current()) return void (await card.close().catch(() => undefined));
        this.card = card;
        await read(card);
      } catch (error) {
        if (this.current()) failFlow(this.ctx, error);
      }
    });
  }

  /** Logs out and releases the card; safe when none is open. */
  protected async closeCard(): Promise<void> {
    const card = this.card;
    this.card = undefined;
    await card?.close().catch(() => undefined);
  }

  /** The card left (or the reader went away) mid-transaction: back to idle with that message. */
  protected endOnCardRemoval(event: ReaderEvent): void {
    this.ctx.logger.info(
      { event: 'card.removed', screen: this.ctx.screen.screen },
      'card removed mid-transaction',
    );
    this.ctx.finish({ code: event.type === 'empty' ? 'CARD_REMOVED' : 'READER_UNAVAILABLE', action: 'user' });
  }
}
