import type { Logger } from 'pino';
import { isFault, isPaperLow, jamWhere, type Printer, type PrinterFault } from '../printer/printer';
import type { OwedRefunds } from '../payment/owed-refunds';
import type { StaffCodeCheck } from '../staff/staff-code';
import type { CardReader, ReaderEvent } from '../card/reader';
import { KioskError } from '../errors';
import type { ErrorInfo } from '../protocol/errors';
import type { Intent } from '../protocol/intents';
import type { ScreenState, StaffCallReason } from '../protocol/state';
import type { StaffAction } from '../protocol/intents';
import type { InactivityTiming } from './inactivity';
import type { CustomerFlow, FlowContext } from './flow';
import { IssuanceFlow } from './issuance-flow';
import { PinResetFlow } from './pin-reset-flow';
import type { IssuanceDeps } from './issuance-flow';
import type { StaffDecision } from './print-job';
import { ScreenController } from './screen';

export interface KioskDeps extends IssuanceDeps {
  reader: CardReader;
  printer: Printer & { refillPaper?: () => void };
  logger: Logger;
  inactivity: InactivityTiming;
  /** Store staff's code; without it staff mode cannot be entered. */
  staffCode?: StaffCodeCheck;
  /** Refunds owed to customers, paid from the register by staff; without it staff see none. */
  owedRefunds?: OwedRefunds;
}

/** Screens from which store staff may enter staff mode (never in the middle of a customer's step). */
const STAFF_ENTRY = new Set<ScreenState['screen']>(['idle', 'outOfService', 'callStaff']);

function callReason(fault: PrinterFault | undefined): StaffCallReason {
  switch (fault?.state) {
    case 'jam':
    case 'paperOut':
    case 'coverOpen':
      return fault.state;
    default:
      return 'offline';
  }
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
  private outOfServiceFlag = false;
  /** A print job waiting for staff to clear a printer fault. */
  private paused: { reason: StaffCallReason; resume: (decision: StaffDecision) => void } | undefined;
  /** Set while staff mode is open: the last action, for feedback, and which staff code logged in. */
  private staffMode: { lastAction: Exclude<StaffAction, 'exit'> | null; staffCodeId: string } | undefined;

  constructor(private readonly deps: KioskDeps) {
    this.screen = new ScreenController(deps.inactivity, () =>
      // Staff who walk away leave staff mode, never a paused customer job.
      this.staffMode
        ? this.exitStaffMode()
        : this.finish({ code: 'INACTIVITY_TIMEOUT', action: 'automatic' }),
    );
    this.ctx = {
      screen: this.screen,
      reader: deps.reader,
      logger: deps.logger,
      finish: (notice) => this.finish(notice),
      staff: {
        onFault: (fault) => this.pauseForStaff(fault),
        waitForStaff: () =>
          new Promise<StaffDecision>((resolve) => {
            if (this.paused) this.paused.resume = resolve;
            else resolve('resume');
          }),
      },
    };
    this.unsubscribeReader = deps.reader.onEvent((event) => this.onReaderEvent(event));
  }

  get state(): ScreenState {
    return this.screen.state;
  }

  get outOfService(): boolean {
    return this.outOfServiceFlag;
  }

  onState(listener: (state: ScreenState) => void): () => void {
    return this.screen.onState(listener);
  }

  async handle(intent: Intent): Promise<void> {
    this.screen.touched();
    switch (intent.type) {
      case 'selectLanguage':
        return this.screen.setLanguage(intent.language);
      case 'setDisplay':
        return this.screen.setDisplay(intent.display);
      case 'stillHere':
        return;
      case 'cancel':
        // From the owed refunds list, back to the staff menu; from the rest of staff mode, out of it.
        if (this.staffMode && this.screen.screen === 'staffOwedRefunds') return this.showStaffMenu();
        if (this.staffMode || this.screen.screen === 'staffLogin') return this.exitStaffMode();
        if (this.active && !this.active.cancellable()) throw new KioskError('INVALID_STATE', 'not now');
        return this.finish(null);
      case 'enterStaffMode':
        if (!STAFF_ENTRY.has(this.screen.screen) || !this.deps.staffCode)
          throw new KioskError('INVALID_STATE');
        return this.screen.show({ screen: 'staffLogin' });
      case 'staffLogin':
        return this.staffLogin(intent.code);
      case 'staffAction':
        if (!this.staffMode || this.screen.screen !== 'staffMenu') throw new KioskError('INVALID_STATE');
        return this.staffAction(intent.action);
      case 'showOwedRefunds':
        if (!this.staffMode || this.screen.screen !== 'staffMenu') throw new KioskError('INVALID_STATE');
        return this.showOwedRefunds();
      case 'settleOwedRefund':
        if (!this.staffMode || this.screen.screen !== 'staffOwedRefunds')
          throw new KioskError('INVALID_STATE');
        return this.settleOwedRefund(intent.refundId, this.staffMode.staffCodeId);
      case 'start':
        if (this.outOfServiceFlag) throw new KioskError('OUT_OF_SERVICE');
        this.screen.expect('idle');
        return this.screen.show({ screen: 'serviceMenu', services: ['certificate', 'pinReset'] });
      case 'selectIssuance':
        this.screen.expect('serviceMenu');
        return this.begin(new IssuanceFlow(this.ctx, this.deps));
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
    this.paused = undefined;
    void flow?.wipe();
    this.screen.resetPreferences();
    this.showRest(notice);
  }

  /** The screen between customers: idle, or "out of service" when staff took the kiosk out. */
  private showRest(notice: ErrorInfo | null = null): void {
    this.screen.show(this.outOfServiceFlag ? { screen: 'outOfService' } : { screen: 'idle' }, notice);
  }

  private pauseForStaff(fault: PrinterFault | undefined): void {
    const reason = callReason(fault);
    this.deps.logger.warn({ event: 'job.paused', reason }, 'print job paused: call staff');
    this.paused = { reason, resume: () => undefined };
    if (!this.staffMode) this.screen.show({ screen: 'callStaff', reason });
  }

  private staffLogin(code: string): void {
    if (this.screen.screen !== 'staffLogin') throw new KioskError('INVALID_STATE');
    const staffCodeId = this.deps.staffCode?.matchingId(code) ?? null;
    if (staffCodeId === null) {
      this.deps.logger.warn({ event: 'staff.login.refused' }, 'wrong staff code');
      return this.screen.show({ screen: 'staffLogin' }, { code: 'STAFF_CODE_WRONG', action: 'staff' });
    }
    this.deps.logger.info({ event: 'staff.login', staffCodeId }, 'staff mode');
    this.staffMode = { lastAction: null, staffCodeId };
    this.showStaffMenu();
  }

  private showStaffMenu(notice: ErrorInfo | null = null): void {
    const status = this.deps.printer.status();
    this.screen.show(
      {
        screen: 'staffMenu',
        printer: {
          state: status.state,
          jamWhere: jamWhere(status),
          paperLow: isPaperLow(status),
        },
        jobPaused: this.paused !== undefined,
        owedRefunds: this.deps.owedRefunds?.summary() ?? { count: 0, totalYen: 0 },
        outOfService: this.outOfServiceFlag,
        lastAction: this.staffMode?.lastAction ?? null,
      },
      notice,
    );
  }

  private showOwedRefunds(
    lastSettled: { amountYen: number } | null = null,
    notice: ErrorInfo | null = null,
  ): void {
    const refunds = (this.deps.owedRefunds?.list() ?? []).map(({ refundId, amountYen, owedAt }) => ({
      refundId,
      amountYen,
      owedAt,
    }));
    this.screen.show({ screen: 'staffOwedRefunds', refunds, lastSettled }, notice);
  }

  /** Staff paid it from the register. Unknown or already settled: the list again, with the error. */
  private async settleOwedRefund(refundId: string, staffCodeId: string): Promise<void> {
    const owed = this.deps.owedRefunds;
    if (!owed) throw new KioskError('REFUND_NOT_FOUND');
    const amountYen = owed.list().find((r) => r.refundId === refundId)?.amountYen;
    try {
      await owed.settle(refundId, staffCodeId);
    } catch (error) {
      if (error instanceof KioskError) this.showOwedRefunds(null, error.toInfo());
      throw error;
    }
    this.showOwedRefunds(amountYen ? { amountYen } : null);
  }

  private async staffAction(action: StaffAction): Promise<void> {
    const staff = this.staffMode;
    if (!staff) return;
    this.deps.logger.info({ event: 'staff.action', action }, 'staff action');
    if (action === 'exit') return this.exitStaffMode();
    staff.lastAction = action;
    const printer = this.deps.printer;
    switch (action) {
      case 'resume': {
        const status = await printer.refresh();
        if (isFault(status)) return this.showStaffMenu({ code: 'PRINTER_FAILED', action: 'staff' });
        const paused = this.paused;
        if (!paused) return this.showStaffMenu();
        // The paused job prints the spoiled copy again (new serial) and shows the customer its progress.
        this.paused = undefined;
        this.staffMode = undefined;
        paused.resume('resume');
        return;
      }
      case 'cancelJob': {
        // The printer cannot be fixed now: the customer gets the fee of the missing copies back.
        const paused = this.paused;
        if (!paused) return this.showStaffMenu();
        this.paused = undefined;
        this.staffMode = undefined;
        paused.resume('cancel');
        return;
      }
      case 'refillPaper':
        printer.refillPaper?.();
        await printer.refresh();
        return this.showStaffMenu();
      case 'testPage':
        try {
          await printer.printTestPage();
          return this.showStaffMenu();
        } catch {
          return this.showStaffMenu({ code: 'PRINTER_FAILED', action: 'staff' });
        }
      case 'outOfService':
      case 'inService':
        this.outOfServiceFlag = action === 'outOfService';
        return this.showStaffMenu();
    }
  }

  private exitStaffMode(): void {
    this.staffMode = undefined;
    if (this.paused) return this.screen.show({ screen: 'callStaff', reason: this.paused.reason });
    if (this.active) return; // a customer step is under way; its own screen comes back with it
    this.showRest();
  }
}
