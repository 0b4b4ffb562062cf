import { sessionSigningInput } from 'hq-gateway/api/signing-input';
import type { ReaderEvent } from '../card/reader';
import { JpkiCard } from '../card/jpki';
import { SIGNATURE_MAX_TRIES, USER_AUTH_MAX_TRIES } from '../card/emulator/profile';
import { isValidSignaturePin, isValidUserAuthPin, normalizeSignaturePin } from '../card/pin-format';
import { asKioskError, KioskError } from '../errors';
import type { HqClient } from '../hq/client';
import type { Intent } from '../protocol/intents';
import type { PinKind } from '../protocol/state';
import { CardFlow, failFlow, type FlowContext } from './flow';

const MAX_TRIES: Record<PinKind, number> = { userAuth: USER_AUTH_MAX_TRIES, signature: SIGNATURE_MAX_TRIES };
const other = (pin: PinKind): PinKind => (pin === 'userAuth' ? 'signature' : 'userAuth');

/** Where the card write stands: before RESET RETRY COUNTER was sent the old PIN surely holds. */
type WriteStage = 'before' | 'resetSent' | 'done';

/**
 * Finishing a PIN reset booked in the smartphone app (jpki-card.md "PIN reset at the kiosk"):
 * place card → which PIN was booked → prove possession with the other PIN (VERIFY + signature over HQ's
 * challenge) → HQ claims the reservation → the new PIN typed twice → GET CHALLENGE → HQ's one-time token →
 * EXTERNAL AUTHENTICATE → RESET RETRY COUNTER → done. The PINs go to the card only; HQ never sees one.
 */
export class PinResetFlow extends CardFlow {
  private triesLeft: { userAuth: number; signature: number | null } | undefined;
  private reset: PinKind | undefined;
  private resetId: string | undefined;
  private stage: WriteStage = 'before';
  /** Set while the card must come back so the kiosk can read which PIN it holds. */
  private pendingCheck: { reset: PinKind; newPin: string } | undefined;
  constructor(
    ctx: FlowContext,
    private readonly deps: { hq: HqClient },
  ) {
    super(ctx);
  }

  begin(): void {
    this.ctx.screen.show({ screen: 'placeCard', service: 'pinReset' });
    if (this.ctx.reader.cardPresent) void this.readCard();
  }

  cancellable(): boolean {
    const screen = this.ctx.screen.screen;
    return screen !== 'resetChecking' && screen !== 'resetWriting';
  }

  async handle(intent: Intent): Promise<void> {
    const screen = this.ctx.screen;
    switch (intent.type) {
      case 'chooseResetPin':
        screen.expect('resetChoose');
        return this.choose(intent.reset);
      case 'submitPin':
        screen.expect('resetProve');
        if (this.provingWith() !== 'userAuth')
          throw new KioskError('INVALID_STATE', 'expects the signature PIN');
        return screen.exclusive(() => this.prove(intent.pin));
      case 'submitSignaturePin':
        screen.expect('resetProve');
        if (this.provingWith() !== 'signature')
          throw new KioskError('INVALID_STATE', 'expects the 4-digit PIN');
        return screen.exclusive(() => this.prove(intent.pin));
      case 'submitNewPin':
        screen.expect('resetNewPin');
        return screen.exclusive(() => this.write(intent.pin));
      default:
        throw new KioskError('INVALID_STATE', `${intent.type} during a PIN reset`);
    }
  }

  onReaderEvent(event: ReaderEvent): void {
    const screen = this.ctx.screen.screen;
    if (event.type === 'present') {
      if (this.pendingCheck) void this.checkOutcome().catch((error: unknown) => failFlow(this.ctx, error));
      else if (screen === 'placeCard') void this.readCard();
      return;
    }
    if (screen === 'resetDone') return this.ctx.finish(null);
    if (this.pendingCheck) return; // still waiting for the card to come back
    // resetWriting: the running write step sees the card error itself and tells the user which PIN holds.
    if (screen === 'resetWriting') return;
    void this.reportNotReset();
    this.endOnCardRemoval(event);
  }

  async wipe(): Promise<void> {
    this.triesLeft = undefined;
    this.pendingCheck = undefined;
    await this.closeCard();
  }

  private provingWith(): PinKind | undefined {
    const state = this.ctx.screen.state;
    return state.screen === 'resetProve' ? state.proveWith : undefined;
  }

  private readCard(): Promise<void> {
    return this.openCard(async (card) => {
      const userAuth = await card.userAuthTriesLeft();
      const signature = (await card.hasSignatureKey()) ? await card.signatureTriesLeft() : null;
      if (!this.current()) return;
      this.triesLeft = { userAuth, signature };
      if (userAuth === 0 && (signature === null || signature === 0)) {
        // Nothing left to prove possession with: only the city office can help.
        this.ctx.logger.info({ event: 'pinreset.bothLocked' }, 'both PINs locked');
        return this.ctx.finish({ code: 'PIN_RESET_BOTH_LOCKED', action: 'user' });
      }
      this.ctx.screen.showWhenDone({ screen: 'resetChoose', triesLeft: this.triesLeft });
    });
  }

  private choose(reset: PinKind): void {
    const tries = this.triesLeft;
    if (!tries) throw new KioskError('INVALID_STATE', 'card not read');
    const proveWith = other(reset);
    const proofTries = tries[proveWith];
    if (proofTries === null) {
      // A card without a signature certificate (a child's) cannot prove possession for the 4-digit PIN.
      return this.ctx.screen.showWhenDone(
        { screen: 'resetChoose', triesLeft: tries },
        { code: 'PIN_RESET_NO_SIGNATURE_CERTIFICATE', action: 'user' },
      );
    }
    if (proofTries === 0) {
      return this.ctx.screen.showWhenDone(
        { screen: 'resetChoose', triesLeft: tries },
        { code: 'PIN_LOCKED', action: 'user' },
      );
    }
    this.reset = reset;
    this.ctx.screen.showWhenDone({
      screen: 'resetProve',
      reset,
      proveWith,
      triesLeft: proofTries,
      maxTries: MAX_TRIES[proveWith],
    });
  }

  /** VERIFY the known PIN, sign HQ's challenge with its key, and let HQ claim the booked reservation. */
  private async prove(pin: string): Promise<void> {
    const card = this.card;
    const reset = this.reset;
    if (!card || !reset) throw new KioskError('INVALID_STATE', 'nothing chosen');
    const proveWith = other(reset);
    this.ctx.screen.show({ screen: 'resetChecking', reset });
    try {
      let certificate: Uint8Array;
      if (proveWith === 'userAuth') {
        await card.verifyUserAuthPin(pin);
        certificate = await card.readUserAuthCertificate();
      } else {
        await card.verifySignaturePin(pin);
        certificate = await card.readSignatureCertificate(); // readable only after that VERIFY
      }
      const hq = this.deps.hq;
      const challenge = await hq.createChallenge('kiosk-pin-reset');
      const input = sessionSigningInput(
        Buffer.from(challenge.nonce, 'base64'),
        hq.terminalId,
        'kiosk-pin-reset',
      );
      const signature =
        proveWith === 'userAuth'
          ? await card.signWithUserAuthKey(input)
          : await card.signWithSignatureKey(input);
      await card.logout();
      const claim = await hq.claimPinReset({
        challengeId: challenge.challengeId,
        certificate: Buffer.from(certificate).toString('base64'),
        signature: Buffer.from(signature).toString('base64'),
        reset,
      });
      if (!this.current()) return;
      this.resetId = claim.resetId;
      this.ctx.logger.info(
        { event: 'pinreset.claimed', resetId: claim.resetId, reset },
        'reservation claimed',
      );
      this.ctx.screen.showWhenDone({ screen: 'resetNewPin', reset });
    } catch (error) {
      await card.logout().catch(() => undefined);
      if (!this.current()) return;
      const failure = asKioskError(error);
      if (failure.code === 'PIN_WRONG') {
        this.ctx.screen.showWhenDone(
          {
            screen: 'resetProve',
            reset,
            proveWith,
            triesLeft: failure.triesLeft ?? 0,
            maxTries: MAX_TRIES[proveWith],
          },
          failure.toInfo(),
        );
      } else if (failure.code === 'PIN_LOCKED') {
        if (this.triesLeft) this.triesLeft = { ...this.triesLeft, [proveWith]: 0 };
        const bothLocked = this.triesLeft?.[reset] === 0;
        this.ctx.finish({ code: bothLocked ? 'PIN_RESET_BOTH_LOCKED' : 'PIN_LOCKED', action: 'user' });
      } else {
        failFlow(this.ctx, failure);
      }
    }
  }

  /** The card write: a pulled card leaves the old PIN (before RESET RETRY COUNTER) or the new one (after). */
  private async write(rawPin: string): Promise<void> {
    const card = this.card;
    const reset = this.reset;
    const resetId = this.resetId;
    if (!card || !reset || !resetId) throw new KioskError('INVALID_STATE', 'no claimed reset');
    const newPin = reset === 'signature' ? normalizeSignaturePin(rawPin) : rawPin;
    const valid = reset === 'signature' ? isValidSignaturePin(newPin) : isValidUserAuthPin(newPin);
    if (!valid) throw new KioskError('PIN_FORMAT'); // nothing sent anywhere
    this.ctx.screen.show({ screen: 'resetWriting', reset });
    this.stage = 'before';
    try {
      const nonce = await card.getChallenge(8);
      const { token } = await this.deps.hq.pinResetToken(resetId, {
        cardNonce: Buffer.from(nonce).toString('base64'),
      });
      await card.externalAuthenticate(reset, Buffer.from(token, 'base64'));
      this.stage = 'resetSent';
      await card.resetRetryCounter(reset, newPin);
      this.stage = 'done';
    } catch (error) {
      return this.writeFailed(error, reset, newPin);
    }
    this.ctx.logger.info({ event: 'pinreset.done', resetId, reset }, 'PIN reset on the card');
    await this.reportOutcome('reset');
    if (!this.current()) return;
    if (this.ctx.reader.cardPresent) this.ctx.screen.showWhenDone({ screen: 'resetDone', reset });
    else this.ctx.finish({ code: 'PIN_RESET_INTERRUPTED_CHANGED', action: 'user' });
  }

  private async writeFailed(error: unknown, reset: PinKind, newPin: string): Promise<void> {
    const failure = asKioskError(error);
    this.ctx.logger.warn(
      { event: 'pinreset.interrupted', code: failure.code, stage: this.stage },
      'PIN reset interrupted',
    );
    if (this.stage === 'before') {
      // RESET RETRY COUNTER was never sent: the old PIN holds.
      await this.reportOutcome('notReset');
      return this.ctx.finish({ code: 'PIN_RESET_INTERRUPTED_UNCHANGED', action: 'user' });
    }
    // RESET RETRY COUNTER was sent but its answer never came back: only the card can tell which PIN it
    // holds. Ask for it back if it left, then look.
    this.pendingCheck = { reset, newPin };
    if (this.ctx.reader.cardPresent) return this.checkOutcome();
    this.ctx.screen.showWhenDone(
      { screen: 'placeCard', service: 'pinReset' },
      { code: 'PIN_RESET_CHECK_CARD', action: 'user' },
    );
  }

  /** Tells old PIN from new after an unanswered RESET RETRY COUNTER, and tells the user. */
  private async checkOutcome(): Promise<void> {
    const pending = this.pendingCheck;
    if (!pending) return;
    this.pendingCheck = undefined;
    // Called from the failed write step (still holding the kiosk) or when the card comes back.
    const probe = () => this.probe(pending.reset, pending.newPin);
    const changed = this.ctx.screen.busy ? await probe() : await this.ctx.screen.exclusive(probe);
    if (!this.current()) return;
    await this.reportOutcome(changed ? 'reset' : 'notReset');
    this.ctx.logger.info({ event: 'pinreset.checked', changed }, 'PIN reset outcome read from the card');
    this.ctx.finish({
      code: changed ? 'PIN_RESET_INTERRUPTED_CHANGED' : 'PIN_RESET_INTERRUPTED_UNCHANGED',
      action: 'user',
    });
  }

  /**
   * A counter back at its maximum when it was lower before means the new PIN. When it was already at its
   * maximum, only a VERIFY with the new PIN can tell; should the old PIN still hold, that spends one of
   * its tries — the PIN the user came here because they could not use.
   */
  private async probe(reset: PinKind, newPin: string): Promise<boolean> {
    const before = this.triesLeft?.[reset] ?? MAX_TRIES[reset];
    const card = await JpkiCard.open(this.ctx.reader);
    try {
      const now = reset === 'userAuth' ? await card.userAuthTriesLeft() : await card.signatureTriesLeft();
      if (now < MAX_TRIES[reset]) return false;
      if (before < MAX_TRIES[reset]) return true;
      try {
        if (reset === 'userAuth') await card.verifyUserAuthPin(newPin);
        else await card.verifySignaturePin(newPin);
        return true;
      } catch (error) {
        const code = asKioskError(error).code;
        if (code === 'PIN_WRONG' || code === 'PIN_LOCKED') return false;
        throw error;
      }
    } finally {
      await card.close().catch(() => undefined);
    }
  }

  private async reportNotReset(): Promise<void> {
    if (this.resetId && this.stage === 'before') await this.reportOutcome('notReset');
  }

  private async reportOutcome(outcome: 'reset' | 'notReset'): Promise<void> {
    const resetId = this.resetId;
    if (!resetId) return;
    this.resetId = undefined; // reported once
    try {
      await this.deps.hq.pinResetOutcome(resetId, { outcome });
    } catch (error) {
      // The reservation stays claimed at HQ and expires; the card state is what the user was told.
      this.ctx.logger.error({
        event: 'pinreset.outcome.unreported',
        resetId,
        code: asKioskError(error).code,
      });
    }
  }
}
