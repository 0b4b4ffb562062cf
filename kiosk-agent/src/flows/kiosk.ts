import type { Logger } from 'pino';
import type { CardReader, ReaderEvent } from '../card/reader';
import { KioskError } from '../errors';
import type { ErrorInfo } from '../protocol/errors';
import type { Intent } from '../protocol/intents';
import type { ScreenState } from '../protocol/state';
import type { InactivityTiming } from './inactivity';
import type { CustomerFlow, FlowContext } from './flow';
import { IssuanceFlow } from './issuance-flow';
import { PinResetFlow } from './pin-reset-flow';
import type { PrintJobDeps } from './print-job';
import { ScreenController } from './screen';

export interface KioskDeps extends PrintJobDeps {
  reader: CardReader;
  logger: Logger;
  inactivity: InactivityTiming;
}

/**
 * The kiosk's state machine: idle → service menu → one customer flow (issuance or PIN reset) → idle.
 * The agent owns the truth; the UI renders `state` and sends intents, which are routed here.
 */
export class Kiosk {
  private readonly screen: ScreenController;
  private readonly ctx: FlowContext;
  private active: CustomerFlow | undefined;
  private readonly unsubscribeReader: () => void;

  constructor(private readonly deps: KioskDeps) {
    this.screen = new ScreenController(deps.inactivity, () =>
      this.finish({ code: 'INACTIVITY_TIMEOUT', action: 'automatic' }),
    );
    this.ctx = {
      screen: this.screen,
      reader: deps.reader,
      logger: deps.logger,
      finish: (notice) => this.finish(notice),
    };
    this.unsubscribeReader = deps.reader.onEvent((event) => this.onReaderEvent(event));
  }

  get state(): ScreenState {
    return this.screen.state;
  }

  onState(listener: (state: ScreenState) => void): () => void {
    return this.screen.onState(listener);
  }

  async handle(intent: Intent): Promise<void> {
    this.screen.touched();
    switch (intent.type) {
      case 'selectLanguage':
        return this.screen.setLanguage(intent.language);
      case 'stillHere':
        return;
      case 'cancel':
        if (this.active && !this.active.cancellable()) throw new KioskError('INVALID_STATE', 'not now');
        return this.finish(null);
      case 'start':
        this.screen.expect('idle');
        return this.screen.show({ screen: 'serviceMenu', services: ['juminhyo', 'pinReset'] });
      case 'selectCertificate':
        this.screen.expect('serviceMenu');
        return this.begin(new IssuanceFlow(this.ctx, this.deps, intent.certificate));
      case 'selectPinReset':
        this.screen.expect('serviceMenu');
        return this.begin(new PinResetFlow(this.ctx, { hq: this.deps.hq }));
      default:
        if (!this.active) throw new KioskError('INVALID_STATE', `${intent.type} outside a transaction`);
        return this.active.handle(intent);
    }
  }

  async close(): Promise<void> {
    this.screen.stop();
    this.unsubscribeReader();
    this.screen.newGeneration();
    await this.active?.wipe();
    this.active = undefined;
  }

  private begin(flow: CustomerFlow): void {
    this.active = flow;
    flow.begin();
  }

  private onReaderEvent(event: ReaderEvent): void {
    this.active?.onReaderEvent(event);
  }

  /** Ends whatever transaction runs: invalidates its steps, wipes it, shows idle with an optional message. */
  private finish(notice: ErrorInfo | null): void {
    this.screen.newGeneration();
    const flow = this.active;
    this.active = undefined;
    void flow?.wipe();
    this.screen.show({ screen: 'idle' }, notice);
  }
}
