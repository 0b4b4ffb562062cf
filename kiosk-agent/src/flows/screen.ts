import type { ErrorInfo } from '../protocol/errors';
import type { Display, Language, ScreenState } from '../protocol/state';
import { KioskError } from '../errors';
import { InactivityTimer, type InactivityTiming } from './inactivity';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A screen as a flow describes it: the common fields (language, notice, inactivity) are the controller's. */
export type ScreenSpec = DistributiveOmit<ScreenState, CommonField>;
type CommonField = 'language' | 'display' | 'notice' | 'inactivityResetAt';

const DEFAULT_DISPLAY: Display = { largeText: false, highContrast: false };

/** Screens on which the customer is expected to act, so the inactivity timer runs. */
const WAITING_FOR_USER = new Set<ScreenState['screen']>([
  'serviceMenu',
  'placeCard',
  'pin',
  'chooseCertificate',
  'refused',
  'options',
  'payment',
  'pinLocked',
  'takeCertificate',
  'resetChoose',
  'resetProve',
  'resetNewPin',
  'resetDone',
  'staffLogin',
  'staffMenu',
  'staffOwedRefunds',
]);

/**
 * Owns what the UI shows: the current screen, the language, a notice, the inactivity warning, and a
 * generation counter that invalidates every async step of a transaction once it is reset.
 */
export class ScreenController {
  private current: ScreenState = {
    screen: 'idle',
    language: 'ja',
    display: DEFAULT_DISPLAY,
    notice: null,
    inactivityResetAt: null,
  };
  private readonly listeners = new Set<(state: ScreenState) => void>();
  private readonly inactivity: InactivityTimer;
  private generationCounter = 0;
  /** The running card/HQ step of the current transaction, if any. */
  private busyToken: object | undefined;
  /** The screen a running step ends on, shown once the step has released the kiosk. */
  private pending: { next: ScreenSpec; notice: ErrorInfo | null } | undefined;

  constructor(timing: InactivityTiming, onInactive: () => void) {
    this.inactivity = new InactivityTimer(
      timing,
      (resetAt) => this.patchCommon({ inactivityResetAt: resetAt }),
      onInactive,
    );
  }

  get state(): ScreenState {
    return this.current;
  }

  get screen(): ScreenState['screen'] {
    return this.current.screen;
  }

  /** Changes whenever a transaction is reset: async steps compare it to know they are still wanted. */
  get generation(): number {
    return this.generationCounter;
  }

  get busy(): boolean {
    return this.busyToken !== undefined;
  }

  onState(listener: (state: ScreenState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  show(next: ScreenSpec, notice?: ErrorInfo | null): void {
    this.current = {
      ...next,
      language: this.current.language,
      display: this.current.display,
      notice: notice ?? null,
      inactivityResetAt: null,
    } as ScreenState;
    if (WAITING_FOR_USER.has(this.current.screen)) this.inactivity.touch();
    else this.inactivity.stop();
    this.emit();
  }

  /** Updates fields of the current screen (e.g. page progress) without restarting anything. */
  patch(fields: Partial<ScreenSpec>): void {
    this.current = { ...this.current, ...fields } as ScreenState;
    this.emit();
  }

  setLanguage(language: Language): void {
    this.patchCommon({ language });
  }

  setDisplay(display: Display): void {
    this.patchCommon({ display });
  }

  /** The next customer starts in Japanese with the standard display (applied with the next screen). */
  resetPreferences(): void {
    this.current = { ...this.current, language: 'ja', display: DEFAULT_DISPLAY };
  }

  /** Any touch: the warning goes away and the countdown restarts. */
  touched(): void {
    if (this.current.inactivityResetAt !== null) this.patchCommon({ inactivityResetAt: null });
    if (WAITING_FOR_USER.has(this.current.screen)) this.inactivity.touch();
  }

  /**
   * The screen a running step ends on: shown when the step finishes, so that the UI never sees a screen
   * whose intents would still be refused as "busy". Shown at once when no step runs.
   */
  showWhenDone(next: ScreenSpec, notice: ErrorInfo | null = null): void {
    if (this.busyToken) this.pending = { next, notice };
    else this.show(next, notice);
  }

  /** Invalidates every running step of the current transaction (their late results are ignored). */
  newGeneration(): number {
    this.inactivity.stop();
    this.busyToken = undefined;
    this.pending = undefined;
    return ++this.generationCounter;
  }

  expect(...wanted: ScreenState['screen'][]): void {
    if (!wanted.includes(this.current.screen) || this.busy) {
      throw new KioskError('INVALID_STATE', `${this.current.screen} is not ${wanted.join('|')}`);
    }
  }

  /** One card/HQ operation at a time: a double tap cannot submit a PIN twice. */
  async exclusive<T>(step: () => Promise<T>): Promise<T> {
    if (this.busyToken) throw new KioskError('INVALID_STATE', 'busy');
    const token = {};
    this.busyToken = token;
    try {
      return await step();
    } finally {
      if (this.busyToken === token) {
        this.busyToken = undefined;
        const pending = this.pending;
        this.pending = undefined;
        if (pending) this.show(pending.next, pending.notice);
      }
    }
  }

  stop(): void {
    this.inactivity.stop();
  }

  private patchCommon(
    fields: Partial<Pick<ScreenState, 'language' | 'display' | 'inactivityResetAt'>>,
  ): void {
    this.current = { ...this.current, ...fields };
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener(this.current);
  }
}
