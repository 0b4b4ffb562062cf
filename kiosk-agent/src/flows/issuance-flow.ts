import type { Logger } from 'pino';
import type { CardReader, ReaderEvent } from '../card/reader';
import { JpkiCard } from '../card/jpki';
import { asKioskError, KioskError } from '../errors';
import type { Intent } from '../protocol/intents';
import type { ErrorInfo } from '../protocol/errors';
import type { CertificateType, Language, ScreenState } from '../protocol/state';
import { USER_AUTH_MAX_TRIES } from '../card/emulator/profile';
import { authenticate, type AuthenticatedSession } from './authenticate';
import { issueAndPrint, type PrintJobDeps } from './print-job';
import { InactivityTimer, type InactivityTiming } from './inactivity';

export interface IssuanceFlowDeps extends PrintJobDeps {
  reader: CardReader;
  logger: Logger;
  inactivity: InactivityTiming;
  /** Fees per certificate type until HQ's offer arrives with the session. */
  municipalityFallback?: string;
}

/** Screens on which the customer is expected to act (and so the inactivity timer runs). */
const WAITING_FOR_USER = new Set<ScreenState['screen']>([
  'serviceMenu',
  'placeCard',
  'pin',
  'confirm',
  'pinLocked',
  'takeCardAndCertificate',
]);

/** Everything that belongs to one customer; dropped as a whole by wipe(). */
interface Transaction {
  certificate: CertificateType;
  card?: JpkiCard;
  userAuthCertificate?: Uint8Array;
  auth?: AuthenticatedSession;
  feeYen?: number;
}

/**
 * The issuance flow: idle → service menu → place card → PIN → authenticating → confirm → printing →
 * take card and certificate → idle. The agent owns the truth; the UI renders `state`.
 * Each async step checks that its transaction is still the current one, so a card pulled or a reset in
 * the middle of an await can never let a stale step move the screen.
 */
export class IssuanceFlow {
  private current: ScreenState = { screen: 'idle', language: 'ja', notice: null, inactivityResetAt: null };
  private tx: Transaction | undefined;
  private generation = 0;
  private busy = false;
  private readonly listeners = new Set<(state: ScreenState) => void>();
  private readonly inactivity: InactivityTimer;
  private readonly unsubscribeReader: () => void;

  constructor(private readonly deps: IssuanceFlowDeps) {
    this.inactivity = new InactivityTimer(
      deps.inactivity,
      (resetAt) => this.patch({ inactivityResetAt: resetAt }),
      () => this.reset({ code: 'INACTIVITY_TIMEOUT', action: 'automatic' }),
    );
    this.unsubscribeReader = deps.reader.onEvent((event) => this.onReaderEvent(event));
  }

  get state(): ScreenState {
    return this.current;
  }

  onState(listener: (state: ScreenState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async handle(intent: Intent): Promise<void> {
    if (this.current.inactivityResetAt !== null) this.patch({ inactivityResetAt: null });
    if (WAITING_FOR_USER.has(this.current.screen)) this.inactivity.touch();
    const screen = this.current.screen;
    switch (intent.type) {
      case 'selectLanguage':
        return this.patch({ language: intent.language });
      case 'stillHere':
        return;
      case 'cancel':
        if (screen === 'authenticating' || screen === 'printing') throw new KioskError('INVALID_STATE');
        return this.reset(null);
      case 'start':
        this.expect(screen, 'idle');
        return this.show({ screen: 'serviceMenu', services: ['juminhyo'] });
      case 'selectCertificate':
        this.expect(screen, 'serviceMenu');
        this.tx = { certificate: intent.certificate };
        this.show({ screen: 'placeCard', certificate: intent.certificate });
        if (this.deps.reader.cardPresent) void this.readCard();
        return;
      case 'submitPin':
        this.expect(screen, 'pin');
        return this.exclusive(() => this.submitPin(intent.pin));
      case 'confirm':
        this.expect(screen, 'confirm');
        return this.exclusive(() => this.print());
    }
  }

  async close(): Promise<void> {
    this.inactivity.stop();
    this.unsubscribeReader();
    await this.wipe();
  }

  private expect(screen: ScreenState['screen'], wanted: ScreenState['screen']): void {
    if (screen !== wanted || this.busy) throw new KioskError('INVALID_STATE', `${screen} is not ${wanted}`);
  }

  /** One card/HQ operation at a time: a double tap cannot submit a PIN twice. */
  private async exclusive(step: () => Promise<void>): Promise<void> {
    this.busy = true;
    try {
      await step();
    } finally {
      this.busy = false;
    }
  }

  private onReaderEvent(event: ReaderEvent): void {
    const screen = this.current.screen;
    if (event.type === 'present') {
      if (screen === 'placeCard') void this.readCard();
      return;
    }
    // Card gone (or reader gone).
    if (screen === 'takeCardAndCertificate') return this.reset(null);
    if (screen === 'printing') return; // the job finishes; the card is no longer needed
    if (this.tx) {
      this.deps.logger.info({ event: 'card.removed', screen }, 'card removed during a transaction');
      this.reset({ code: event.type === 'empty' ? 'CARD_REMOVED' : 'READER_UNAVAILABLE', action: 'user' });
    }
  }

  private async readCard(): Promise<void> {
    const tx = this.tx;
    const generation = this.generation;
    if (!tx || tx.card || this.busy) return;
    this.busy = true;
    try {
      const card = await JpkiCard.open(this.deps.reader);
      if (!this.isCurrent(generation)) return void (await card.close().catch(() => undefined));
      tx.card = card;
      tx.userAuthCertificate = await card.readUserAuthCertificate();
      const triesLeft = await card.userAuthTriesLeft();
      if (!this.isCurrent(generation)) return;
      if (triesLeft === 0) return this.show({ screen: 'pinLocked' });
      this.show({ screen: 'pin', certificate: tx.certificate, triesLeft, maxTries: USER_AUTH_MAX_TRIES });
    } catch (error) {
      if (this.isCurrent(generation)) this.fail(error);
    } finally {
      this.busy = false;
    }
  }

  private async submitPin(pin: string): Promise<void> {
    const tx = this.tx;
    const generation = this.generation;
    if (!tx?.card || !tx.userAuthCertificate) throw new KioskError('INVALID_STATE', 'no card read');
    this.show({ screen: 'authenticating', certificate: tx.certificate });
    try {
      const auth = await authenticate(tx.card, tx.userAuthCertificate, pin, this.deps.hq);
      if (!this.isCurrent(generation)) return;
      tx.auth = auth;
      tx.feeYen = auth.session.offer.find((o) => o.certificate === tx.certificate)?.feeYen ?? 0;
      this.deps.logger.info(
        { event: 'session.opened', sessionId: auth.session.sessionId },
        'HQ session opened',
      );
      this.show({
        screen: 'confirm',
        certificate: tx.certificate,
        copies: 1,
        feeYen: tx.feeYen,
        municipality: auth.session.municipality.name,
      });
    } catch (error) {
      if (!this.isCurrent(generation)) return;
      const failure = asKioskError(error);
      if (failure.code === 'PIN_WRONG') {
        this.deps.logger.info({ event: 'pin.wrong', triesLeft: failure.triesLeft }, 'wrong PIN');
        this.show(
          {
            screen: 'pin',
            certificate: tx.certificate,
            triesLeft: failure.triesLeft ?? 0,
            maxTries: USER_AUTH_MAX_TRIES,
          },
          failure.toInfo(),
        );
      } else if (failure.code === 'PIN_LOCKED') {
        this.deps.logger.info({ event: 'pin.locked' }, 'PIN locked');
        this.show({ screen: 'pinLocked' }, failure.toInfo());
      } else {
        this.fail(failure);
      }
    }
  }

  private async print(): Promise<void> {
    const tx = this.tx;
    const generation = this.generation;
    if (!tx?.auth) throw new KioskError('INVALID_STATE', 'not authenticated');
    this.show({ screen: 'printing', certificate: tx.certificate, page: 0, pages: 1 });
    const unsubscribe = this.deps.printer.onStatus((status) => {
      if (status.state === 'printing' && this.isCurrent(generation) && this.current.screen === 'printing') {
        this.patch({ page: status.page, pages: status.pages });
      }
    });
    try {
      const job = await issueAndPrint(this.deps, tx.auth, { copies: 1 });
      this.deps.logger.info({
        event: 'issuance.printed',
        issuanceId: job.issuanceId,
        copies: job.serials.length,
      });
      if (!this.isCurrent(generation)) return;
      // The documents are printed: drop them and everything personal now, keep only what the screen needs.
      const certificate = tx.certificate;
      await this.wipe();
      if (this.deps.reader.cardPresent) {
        this.tx = { certificate };
        this.show({ screen: 'takeCardAndCertificate', certificate });
      } else {
        this.show({ screen: 'idle' });
      }
    } catch (error) {
      if (this.isCurrent(generation)) this.fail(error);
    } finally {
      unsubscribe();
    }
  }

  private isCurrent(generation: number): boolean {
    return generation === this.generation;
  }

  private fail(error: unknown): void {
    const failure = asKioskError(error);
    this.deps.logger.warn(
      { event: 'flow.failed', code: failure.code, screen: this.current.screen, err: failure.message },
      'transaction failed',
    );
    this.reset(failure.toInfo());
  }

  /** Back to idle with an optional message; wipes the transaction. */
  private reset(notice: ErrorInfo | null): void {
    void this.wipe();
    this.show({ screen: 'idle' }, notice);
  }

  private async wipe(): Promise<void> {
    this.generation++;
    const card = this.tx?.card;
    this.tx = undefined;
    this.inactivity.stop();
    await card?.close().catch(() => undefined);
  }

  private show(
    next: DistributiveOmit<ScreenState, 'language' | 'notice' | 'inactivityResetAt'>,
    notice?: ErrorInfo | null,
  ): void {
    const language: Language = this.current.language;
    this.current = { ...next, language, notice: notice ?? null, inactivityResetAt: null } as ScreenState;
    if (WAITING_FOR_USER.has(this.current.screen)) this.inactivity.touch();
    else this.inactivity.stop();
    this.emit();
  }

  private patch(fields: Partial<Record<string, unknown>>): void {
    this.current = { ...this.current, ...fields } as ScreenState;
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener(this.current);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
