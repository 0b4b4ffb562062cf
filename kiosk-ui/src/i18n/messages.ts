import type {
  CertificateType,
  ErrorAction,
  ErrorCode,
  Language,
  PinKind,
  RefusalReason,
  Service,
  StaffAction,
  StaffCallReason,
} from 'kiosk-agent/protocol/index';
import { en } from './en';
import { ja } from './ja';
import { jaEasy } from './ja-easy';
import { ko } from './ko';
import { pt } from './pt';
import { vi } from './vi';
import { zhHans } from './zh-Hans';

/** Printer states the staff menu names (the protocol's `staffMenu.printer.state`). */
export type PrinterState = 'idle' | 'printing' | 'paperOut' | 'jam' | 'coverOpen' | 'offline';
/** Where the jam drawing can point; anything else the agent reports is 'unknown' (the whole path). */
export type JamPlace = 'tray1' | 'feed' | 'fuser' | 'output';

/**
 * The one message catalogue of the kiosk UI. Every language implements the whole `Messages` interface,
 * so a key missing in any language is a type error. Errors are keyed by the protocol's ErrorCode
 * (Record<ErrorCode, …>): a new code in the protocol fails the build until every language says it.
 * 'ja-easy' is やさしい日本語: short sentences, mostly hiragana, no furigana.
 * Words are short and plain on purpose: many users are elderly.
 */
export interface Messages {
  appTitle: string;
  languageSwitch: string;
  cancel: string;
  finish: string;
  steps: {
    label: string;
    card: string;
    pin: string;
    choose: string;
    pay: string;
    print: string;
    done: string;
    current: string;
  };
  /** The PIN-reset flow's stepper: カード → 選ぶ → 本人確認 → 新しい番号. */
  resetSteps: { card: string; choose: string; verify: string; newPin: string };
  idle: { title: string; lead: string; bring: string; start: string };
  serviceMenu: { title: string; lead: string; none: string };
  services: Record<Service, string>;
  serviceHints: Record<Service, string>;
  placeCard: { title: string; lead: string; keep: string; selected: Record<Service, string> };
  pin: {
    title: string;
    lead: string;
    which: string;
    triesLeft: (n: number) => string;
    triesHint: string;
    dots: (typed: number, max: number) => string;
    submit: string;
    backspace: string;
    clear: string;
    keypad: string;
  };
  authenticating: { title: string; lead: string };
  chooseCertificate: {
    title: string;
    lead: (municipality: string) => string;
    /** Service hours, e.g. 6:30〜23:00 (weekdays only). */
    hours: (opens: string, closes: string, weekdaysOnly: boolean) => string;
    none: string;
  };
  /** Why a certificate or the whole service is refused, with what to do instead (plain words). */
  refusals: Record<RefusalReason, string>;
  refused: { title: string; lead: string; takeCard: string };
  options: {
    title: (certificate: string) => string;
    lead: string;
    members: string;
    household: string;
    /** The heading of the on/off items (世帯主・続柄, 本籍, …). */
    fields: string;
    /** Marks the card holder in the member list. */
    self: string;
    householder: string;
    honseki: string;
    myNumber: string;
    foreign: string;
    /** Spoken state of an on/off option. */
    on: string;
    off: string;
    taxYear: string;
    year: (year: number) => string;
    koseki: string;
    kosekiAll: string;
    kosekiIndividual: string;
    nothingToChoose: string;
    copies: string;
    copiesValue: (n: number) => string;
    more: string;
    fewer: string;
    feePerCopy: (fee: string) => string;
    total: string;
    next: string;
  };
  payment: {
    title: string;
    lead: string;
    due: string;
    inserted: string;
    remaining: string;
    insert: string;
    cancel: string;
  };
  removeCard: { title: string; lead: string; change: (yen: string) => string };
  printing: {
    title: string;
    lead: string;
    progress: (page: number, pages: number) => string;
    wait: string;
  };
  takeCertificate: {
    title: string;
    lead: string;
    printed: (printed: number, copies: number) => string;
    refunded: (notPrinted: number, yen: string) => string;
    finish: string;
  };
  /** The pulsing reminders that repeat with a chime. */
  reminders: { card: string; certificate: string };
  /** The display buttons on every customer screen. */
  display: { label: string; largeText: string; highContrast: string };
  pinLocked: {
    title: string;
    lead: string;
    howToReset: string;
    optionApp: string;
    optionOffice: string;
    takeCard: string;
  };
  /** The two PINs of the card, in plain words. */
  pinKinds: Record<PinKind, { name: string; detail: string }>;
  /** Live format rules of a PIN being typed. */
  rules: {
    label: string;
    digits4: (typed: number) => string;
    length: (typed: number) => string;
    letter: string;
    digit: string;
    met: string;
    unmet: string;
  };
  secret: {
    show: string;
    hide: string;
    field: (typed: number) => string;
  };
  alnum: { keypad: string };
  resetChoose: {
    title: string;
    lead: string;
    triesLeft: (n: number) => string;
    locked: string;
    proveWith: (other: string) => string;
    noSignature: string;
    /** The 4-digit PIN of a card without a signature certificate: nothing to prove possession with. */
    noProof: string;
  };
  resetProve: {
    title: Record<PinKind, string>;
    lead: Record<PinKind, string>;
    how: Record<PinKind, string>;
  };
  resetChecking: { title: string; lead: string };
  resetNewPin: {
    title: string;
    lead: Record<PinKind, string>;
    first: string;
    confirm: string;
    mismatch: string;
    next: string;
    submit: string;
  };
  resetWriting: { title: string; lead: string; dontRemove: string };
  resetDone: { title: string; lead: Record<PinKind, string>; takeCard: string };
  callStaff: { title: string; lead: string; reasons: Record<StaffCallReason, string>; wait: string };
  outOfService: { sign: string; title: string; lead: string };
  staffLogin: { title: string; lead: string; submit: string };
  staffMenu: {
    title: string;
    printer: string;
    printerStates: Record<PrinterState, string>;
    paperLow: string;
    jobPaused: string;
    kiosk: string;
    inService: string;
    outOfService: string;
    lastAction: Record<Exclude<StaffAction, 'exit'>, string>;
    actions: Record<StaffAction, string>;
    /** The entry to the owed refunds list, with how many there are. */
    owedRefunds: (count: number) => string;
    resumeHint: string;
    faultHints: Record<'paperOut' | 'coverOpen' | 'offline', string>;
  };
  /** Refunds owed to customers after a restart: staff pay them from the register (staff-only screen). */
  staffOwedRefunds: {
    title: string;
    lead: string;
    none: string;
    /** Column headings: the amount, and when it became owed (Japan time). */
    amount: string;
    owedAt: string;
    yen: (yen: number) => string;
    /** The per-refund button, then its confirmation. */
    paid: string;
    confirm: (amount: string) => string;
    confirmYes: string;
    confirmNo: string;
    settled: (amount: string) => string;
    back: string;
  };
  jam: {
    title: string;
    drawing: (where: string) => string;
    places: Record<JamPlace, string>;
    steps: Record<JamPlace | 'unknown', string[]>;
    after: string[];
  };
  inactivity: { title: string; countdown: (seconds: number) => string; stillHere: string };
  connecting: { title: string; lead: string };
  device: {
    readerUnavailable: string;
    paperOut: string;
    jam: string;
    printerOffline: string;
    coverOpen: string;
    hqOffline: string;
    callStaff: string;
  };
  certificates: Record<CertificateType, string>;
  certificateHints: Record<CertificateType, string>;
  fee: (yen: number) => string;
  errors: Record<ErrorCode, string>;
  /** Who can fix it, in words; null when the error message already says what to do. */
  errorActions: Record<ErrorAction, string | null>;
  /** Added to a PIN_WRONG notice. */
  noticeTriesLeft: (n: number) => string;
}

/**
 * All seven in the main bundle: measured, lazy chunks saved no bytes of the total (gzip shares the keys
 * across languages in one chunk) and a switch must never show the previous language while one loads.
 */
export const catalogue: Record<Language, Messages> = {
  ja,
  en,
  'zh-Hans': zhHans,
  ko,
  vi,
  pt,
  'ja-easy': jaEasy,
};

/** The `lang` attribute for a kiosk language (やさしい日本語 is Japanese). */
export function htmlLang(language: Language): string {
  return language === 'ja-easy' ? 'ja' : language;
}
