import type { Logger } from 'pino';
import type { CardReader, ReaderEvent } from '../card/reader';
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
  /** A printer fault during a job: call store staff, then wait until they resume it. */
  staff: PrintJobHooks;
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
