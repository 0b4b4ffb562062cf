import {
  defaultOptions,
  type CertificateOptions,
  type CertificateType,
  type OfferedCertificate,
  type OfferResponse,
} from 'hq-gateway/api/certificates';
import type { ReaderEvent } from '../card/reader';
import { USER_AUTH_MAX_TRIES } from '../card/emulator/profile';
import { asKioskError, KioskError } from '../errors';
import type { PaymentDevice } from '../payment/payment-device';
import type { ErrorInfo } from '../protocol/errors';
import type { Intent } from '../protocol/intents';
import { authenticate, type AuthenticatedSession } from './authenticate';
import { CardFlow, failFlow, type FlowContext } from './flow';
import { checkOptions } from './options-check';
import { CashDrawer } from './payment-step';
import { printDocuments, requestDocuments, type IssuedDocuments, type PrintJobDeps } from './print-job';

export interface IssuanceDeps extends PrintJobDeps {
  payment: PaymentDevice;
}

/** The certificate being asked for, once chosen from the offer. */
interface Request {
  offered: OfferedCertificate;
  options: CertificateOptions;
  copies: number;
}

/**
 * Certificate issuance: place card → PIN → authenticating → choose certificate (the municipality's offer) →
 * options and copies → payment → take the card back → printing → take the certificate. Each async step
 * checks that its transaction is still the current one, so a card pulled or a reset in the middle of an
 * await can never let a stale step move the screen. Money is kept only for printed copies.
 */
export class IssuanceFlow extends CardFlow {
  private userAuthCertificate: Uint8Array | undefined;
  private auth: AuthenticatedSession | undefined;
  private offer: OfferResponse | undefined;
  private request: Request | undefined;
  private readonly cash: CashDrawer;
  /** Paid and issued: the documents wait for the card to leave the reader. */
  private issued: IssuedDocuments | undefined;
  /** The customer's money is in the kiosk (between payment and the end of printing): cancel waits. */
  private committed = false;
  private printStarted = false;

  constructor(
    ctx: FlowContext,
    private readonly deps: IssuanceDeps,
  ) {
    super(ctx);
    this.cash = new CashDrawer(deps.payment, ctx.logger);
  }

  begin(): void {
    this.ctx.screen.show({ screen: 'placeCard', service: 'certificate' });
    if (this.ctx.reader.cardPresent) void this.readCard();
  }

  cancellable(): boolean {
    return !this.committed && this.ctx.screen.screen !== 'authenticating';
  }

  async handle(intent: Intent): Promise<void> {
    const screen = this.ctx.screen;
    switch (intent.type) {
      case 'submitPin':
        screen.expect('pin');
        return screen.exclusive(() => this.submitPin(intent.pin));
      case 'selectCertificate':
        screen.expect('chooseCertificate');
        return this.choose(intent.certificate);
      case 'setOptions': {
        screen.expect('options');
        const request = this.mustRequest();
        checkOptions(intent.options, request.offered);
        request.options = intent.options;
        return this.showOptions();
      }
      case 'setCopies':
        screen.expect('options');
        this.mustRequest().copies = intent.copies;
        return this.showOptions();
      case 'confirm':
        screen.expect('options');
        return screen.exclusive(() => this.startPayment());
      case 'finish':
        screen.expect('takeCertificate');
        return this.ctx.finish(null);
      default:
        throw new KioskError('INVALID_STATE', `${intent.type} during issuance`);
    }
  }

  onReaderEvent(event: ReaderEvent): void {
    const screen = this.ctx.screen.screen;
    if (event.type === 'present') {
      if (screen === 'placeCard') void this.readCard();
      return;
    }
    if (screen === 'removeCard' && this.issued) return void this.print();
    if (this.committed || screen === 'takeCertificate') return; // the card is no longer needed
    this.endOnCardRemoval(event);
  }

  async wipe(): Promise<void> {
    this.userAuthCertificate = undefined;
    this.auth = undefined;
    this.offer = undefined;
    this.request = undefined;
    this.issued = undefined;
    // Money inserted but not yet taken goes back whatever ended the transaction (cancel, card pulled, timeout).
    await this.cash.returnInserted();
    await this.closeCard();
  }

  private mustRequest(): Request {
    if (!this.request) throw new KioskError('INVALID_STATE', 'no certificate chosen');
    return this.request;
  }

  private readCard(): Promise<void> {
    return this.openCard(async (card) => {
      this.userAuthCertificate = await card.readUserAuthCertificate();
      const triesLeft = await card.userAuthTriesLeft();
      if (!this.current()) return;
      if (triesLeft === 0) return this.ctx.screen.showWhenDone({ screen: 'pinLocked' });
      this.ctx.screen.showWhenDone({ screen: 'pin', triesLeft, maxTries: USER_AUTH_MAX_TRIES });
    });
  }

  private async submitPin(pin: string): Promise<void> {
    if (!this.card || !this.userAuthCertificate) throw new KioskError('INVALID_STATE', 'no card read');
    this.ctx.screen.show({ screen: 'authenticating' });
    try {
      const auth = await authenticate(this.card, this.userAuthCertificate, pin, this.deps.hq);
      if (!this.current()) return;
      this.auth = auth;
      this.ctx.logger.info({ event: 'session.opened', sessionId: auth.session.sessionId }, 'HQ session');
      const offer = await this.deps.hq.offer(auth.session.sessionId);
      if (!this.current()) return;
      this.offer = offer;
      if (offer.refusal) {
        this.ctx.logger.info({ event: 'offer.refused', reason: offer.refusal }, 'resident refused');
        return this.ctx.screen.showWhenDone({ screen: 'refused', reason: offer.refusal });
      }
      this.showChoice();
    } catch (error) {
      if (!this.current()) return;
      const failure = asKioskError(error);
      if (failure.code === 'PIN_WRONG') {
        this.ctx.logger.info({ event: 'pin.wrong', triesLeft: failure.triesLeft }, 'wrong PIN');
        this.ctx.screen.showWhenDone(
          { screen: 'pin', triesLeft: failure.triesLeft ?? 0, maxTries: USER_AUTH_MAX_TRIES },
          failure.toInfo(),
        );
      } else if (failure.code === 'PIN_LOCKED') {
        this.ctx.logger.info({ event: 'pin.locked' }, 'PIN locked');
        this.ctx.screen.showWhenDone({ screen: 'pinLocked' }, failure.toInfo());
      } else {
        failFlow(this.ctx, failure);
      }
    }
  }

  private showChoice(): void {
    const offer = this.offer;
    if (!offer) return;
    this.ctx.screen.showWhenDone({
      screen: 'chooseCertificate',
      municipality: offer.municipality.name,
      certificates: offer.certificates.map(({ options: _options, ...rest }) => rest),
    });
  }

  private choose(type: CertificateType): void {
    const offered = this.offer?.certificates.find((c) => c.type === type);
    if (!offered) throw new KioskError('INVALID_STATE', `${type} is not in the offer`);
    if (!offered.available) throw new KioskError('SERVICE_REFUSED', `${type}: ${offered.refusal}`);
    this.request = { offered, options: defaultOptions(type, offered), copies: 1 };
    this.showOptions();
  }

  private showOptions(notice: ErrorInfo | null = null): void {
    const request = this.mustRequest();
    this.ctx.screen.showWhenDone(
      {
        screen: 'options',
        certificate: request.offered.type,
        options: request.options,
        choices: request.offered.options,
        copies: request.copies,
        feePerCopyYen: request.offered.feeYen,
        feeYen: request.offered.feeYen * request.copies,
      },
      notice,
    );
  }

  private async startPayment(): Promise<void> {
    const request = this.mustRequest();
    const dueYen = request.offered.feeYen * request.copies;
    if (dueYen === 0) return this.paid(0);
    const screen = this.ctx.screen;
    const onPayment = () => this.current() && screen.screen === 'payment';
    try {
      await this.cash.accept(dueYen, {
        progress: (insertedYen) => {
          if (onPayment()) screen.patch({ insertedYen });
        },
        paid: () => {
          if (onPayment()) void screen.exclusive(() => this.paid(dueYen)).catch((e) => failFlow(this.ctx, e));
        },
        failed: () => {
          if (onPayment()) this.showOptions({ code: 'PAYMENT_FAILED', action: 'staff' });
        },
      });
    } catch (error) {
      if (this.current()) this.showOptions(asKioskError(error).toInfo());
      return;
    }
    if (!this.current()) return;
    screen.show({
      screen: 'payment',
      certificate: request.offered.type,
      copies: request.copies,
      dueYen,
      insertedYen: 0,
    });
  }

  /** Enough money is in: keep the fee, give change, get the documents, and wait for the card to leave. */
  private async paid(dueYen: number): Promise<void> {
    const request = this.mustRequest();
    const auth = this.auth;
    if (!auth) throw new KioskError('INVALID_STATE', 'not authenticated');
    this.committed = true;
    const { changeYen } = await this.cash.settle(dueYen);
    try {
      const issued = await requestDocuments(this.deps, auth, {
        options: request.options,
        copies: request.copies,
      });
      // Refunds are per copy at HQ's fee: print only what was paid for at that very fee.
      if (issued.feeYen !== dueYen)
        throw new KioskError('HQ_REJECTED', 'HQ quoted a fee other than was paid');
      this.issued = issued;
    } catch (error) {
      // Nothing can be printed: every yen goes back, and the customer sees it.
      const failure = asKioskError(error);
      this.ctx.logger.warn({ event: 'issuance.failed', code: failure.code }, 'no documents after payment');
      await this.cash.refund(dueYen);
      if (!this.current()) return;
      this.committed = false;
      const certificate = request.offered.type;
      return this.ctx.screen.showWhenDone(
        {
          screen: 'takeCertificate',
          certificate,
          printedCopies: 0,
          copies: request.copies,
          refundedYen: dueYen,
        },
        failure.toInfo(),
      );
    }
    if (!this.current()) return;
    await this.closeCard();
    if (this.ctx.reader.cardPresent) {
      this.ctx.screen.showWhenDone({ screen: 'removeCard', certificate: request.offered.type, changeYen });
    } else {
      void this.print();
    }
  }

  private async print(): Promise<void> {
    const auth = this.auth;
    const issued = this.issued;
    const request = this.request;
    if (!auth || !issued || !request || this.printStarted) return;
    this.printStarted = true;
    const certificate = request.offered.type;
    const showPrinting = () => this.ctx.screen.show({ screen: 'printing', certificate, page: 0, pages: 1 });
    showPrinting();
    const unsubscribe = this.deps.printer.onStatus((status) => {
      if (status.state === 'printing' && this.current() && this.ctx.screen.screen === 'printing') {
        this.ctx.screen.patch({ page: status.page, pages: status.pages });
      }
    });
    try {
      const job = await printDocuments(this.deps, auth, issued, issued.feeYen /* = what was paid */, {
        onFault: (fault) => this.ctx.staff.onFault(fault),
        waitForStaff: async () => {
          const decision = await this.ctx.staff.waitForStaff();
          if (decision === 'resume' && this.current()) showPrinting();
          return decision;
        },
        refund: (amountYen) => this.cash.refund(amountYen),
      });
      this.ctx.logger.info({
        event: 'issuance.printed',
        issuanceId: job.issuanceId,
        copies: job.serials.length,
        refundedYen: job.refundedYen,
      });
      if (!this.current()) return;
      // Printed: drop the documents and the session now; keep only what the screen needs.
      this.issued = undefined;
      this.auth = undefined;
      this.committed = false;
      this.ctx.screen.show({
        screen: 'takeCertificate',
        certificate,
        printedCopies: job.serials.length,
        copies: request.copies,
        refundedYen: job.refundedYen,
      });
    } catch (error) {
      this.committed = false;
      if (this.current()) failFlow(this.ctx, error);
    } finally {
      unsubscribe();
    }
  }
}
