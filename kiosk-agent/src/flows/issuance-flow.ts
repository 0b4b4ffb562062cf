import type { ReaderEvent } from '../card/reader';
import { USER_AUTH_MAX_TRIES } from '../card/emulator/profile';
import { asKioskError, KioskError } from '../errors';
import type { Intent } from '../protocol/intents';
import type { CertificateType } from '../protocol/state';
import { authenticate, type AuthenticatedSession } from './authenticate';
import { CardFlow, failFlow, type FlowContext } from './flow';
import { issueAndPrint, type PrintJobDeps } from './print-job';

/**
 * Certificate issuance: place card → PIN → authenticating → confirm → printing → take card and
 * certificate. Each async step checks that its transaction is still the current one, so a card pulled or a
 * reset in the middle of an await can never let a stale step move the screen.
 */
export class IssuanceFlow extends CardFlow {
  private userAuthCertificate: Uint8Array | undefined;
  private auth: AuthenticatedSession | undefined;
  private feePerCopyYen = 0;
  private copies = 1;
  /** A job is at the printer (possibly paused for staff): the card is no longer needed and cancel waits. */
  private printing = false;
  constructor(
    ctx: FlowContext,
    private readonly deps: PrintJobDeps,
    private readonly certificate: CertificateType,
  ) {
    super(ctx);
  }

  begin(): void {
    this.ctx.screen.show({ screen: 'placeCard', service: this.certificate });
    if (this.ctx.reader.cardPresent) void this.readCard();
  }

  cancellable(): boolean {
    return !this.printing && this.ctx.screen.screen !== 'authenticating';
  }

  async handle(intent: Intent): Promise<void> {
    const screen = this.ctx.screen;
    switch (intent.type) {
      case 'submitPin':
        screen.expect('pin');
        return screen.exclusive(() => this.submitPin(intent.pin));
      case 'setCopies':
        screen.expect('confirm');
        this.copies = intent.copies;
        return this.showConfirm();
      case 'confirm':
        screen.expect('confirm');
        return screen.exclusive(() => this.print());
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
    if (screen === 'takeCardAndCertificate') return this.ctx.finish(null);
    if (this.printing) return; // the job finishes; the card is no longer needed
    this.endOnCardRemoval(event);
  }

  async wipe(): Promise<void> {
    this.userAuthCertificate = undefined;
    this.auth = undefined;
    await this.closeCard();
  }

  private readCard(): Promise<void> {
    return this.openCard(async (card) => {
      this.userAuthCertificate = await card.readUserAuthCertificate();
      const triesLeft = await card.userAuthTriesLeft();
      if (!this.current()) return;
      if (triesLeft === 0) return this.ctx.screen.showWhenDone({ screen: 'pinLocked' });
      this.ctx.screen.showWhenDone({
        screen: 'pin',
        certificate: this.certificate,
        triesLeft,
        maxTries: USER_AUTH_MAX_TRIES,
      });
    });
  }

  private async submitPin(pin: string): Promise<void> {
    if (!this.card || !this.userAuthCertificate) throw new KioskError('INVALID_STATE', 'no card read');
    this.ctx.screen.show({ screen: 'authenticating', certificate: this.certificate });
    try {
      const auth = await authenticate(this.card, this.userAuthCertificate, pin, this.deps.hq);
      if (!this.current()) return;
      this.auth = auth;
      this.feePerCopyYen = auth.session.offer.find((o) => o.certificate === this.certificate)?.feeYen ?? 0;
      this.ctx.logger.info(
        { event: 'session.opened', sessionId: auth.session.sessionId },
        'HQ session opened',
      );
      this.showConfirm();
    } catch (error) {
      if (!this.current()) return;
      const failure = asKioskError(error);
      if (failure.code === 'PIN_WRONG') {
        this.ctx.logger.info({ event: 'pin.wrong', triesLeft: failure.triesLeft }, 'wrong PIN');
        this.ctx.screen.showWhenDone(
          {
            screen: 'pin',
            certificate: this.certificate,
            triesLeft: failure.triesLeft ?? 0,
            maxTries: USER_AUTH_MAX_TRIES,
          },
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

  private showConfirm(): void {
    const auth = this.auth;
    if (!auth) return;
    this.ctx.screen.showWhenDone({
      screen: 'confirm',
      certificate: this.certificate,
      copies: this.copies,
      feeYen: this.feePerCopyYen * this.copies,
      municipality: auth.session.municipality.name,
    });
  }

  private showPrinting(): void {
    this.ctx.screen.show({ screen: 'printing', certificate: this.certificate, page: 0, pages: 1 });
  }

  private async print(): Promise<void> {
    const auth = this.auth;
    if (!auth) throw new KioskError('INVALID_STATE', 'not authenticated');
    this.printing = true;
    this.showPrinting();
    const unsubscribe = this.deps.printer.onStatus((status) => {
      if (status.state === 'printing' && this.current() && this.ctx.screen.screen === 'printing') {
        this.ctx.screen.patch({ page: status.page, pages: status.pages });
      }
    });
    try {
      const job = await issueAndPrint(
        this.deps,
        auth,
        { copies: this.copies },
        {
          onFault: (fault) => this.ctx.staff.onFault(fault),
          waitForStaff: async () => {
            await this.ctx.staff.waitForStaff();
            if (this.current()) this.showPrinting();
          },
        },
      );
      this.ctx.logger.info({
        event: 'issuance.printed',
        issuanceId: job.issuanceId,
        copies: job.serials.length,
      });
      if (!this.current()) return;
      // Printed: drop the documents, the session and the card handle now; keep only what the screen needs.
      await this.wipe();
      if (this.ctx.reader.cardPresent) {
        this.ctx.screen.showWhenDone({ screen: 'takeCardAndCertificate', certificate: this.certificate });
      } else {
        this.ctx.finish(null);
      }
    } catch (error) {
      if (this.current()) failFlow(this.ctx, error);
    } finally {
      this.printing = false;
      unsubscribe();
    }
  }
}
