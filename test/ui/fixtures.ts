/**
 * One valid ScreenState per screen (typed: a screen added to the protocol fails the build here until it
 * has a fixture), plus variants: other languages, notices, display modes.
 */
import {
  ScreenState,
  type CertificateOptions,
  type Display,
  type Language,
  type ScreenName,
  type ScreenState as State,
} from 'kiosk-agent/protocol/index';

type Of<K extends ScreenName> = Extract<State, { screen: K }>;
type Common = Pick<State, 'language' | 'display' | 'notice' | 'inactivityResetAt'>;

const common: Common = {
  language: 'ja',
  display: { largeText: false, highContrast: false },
  notice: null,
  inactivityResetAt: null,
};

const hours = { opens: '06:30', closes: '23:00', weekdaysOnly: false };
const household = [
  { memberId: 'm-1', name: '山田　太郎', relationship: '世帯主', self: true },
  { memberId: 'm-2', name: '山田　花子', relationship: '妻', self: false },
  { memberId: 'm-3', name: '山田　一郎', relationship: '子', self: false },
];
const juminhyoDefaults = {
  type: 'juminhyo',
  members: ['m-1'],
  householderAndRelationship: true,
  honseki: false,
  myNumber: false,
  foreignResidentFields: false,
} as const satisfies CertificateOptions;
const noChoices = { household: [], honseki: false, foreignResidentFields: false, taxYears: [] };

export const fixtures: { [K in ScreenName]: Of<K> } = {
  idle: { screen: 'idle', ...common },
  serviceMenu: { screen: 'serviceMenu', ...common, services: ['certificate', 'pinReset'] },
  placeCard: { screen: 'placeCard', ...common, service: 'certificate' },
  pin: { screen: 'pin', ...common, triesLeft: 3, maxTries: 3 },
  authenticating: { screen: 'authenticating', ...common },
  chooseCertificate: {
    screen: 'chooseCertificate',
    ...common,
    municipality: 'デモ市',
    certificates: [
      { type: 'juminhyo', available: true, refusal: null, feeYen: 200, hours },
      { type: 'sealRegistration', available: false, refusal: 'notRegistered', feeYen: 200, hours },
      { type: 'taxIncome', available: true, refusal: null, feeYen: 300, hours },
      {
        type: 'koseki',
        available: false,
        refusal: 'outsideHours',
        feeYen: 450,
        hours: { opens: '09:00', closes: '17:00', weekdaysOnly: true },
      },
      { type: 'kosekiFuhyo', available: true, refusal: null, feeYen: 300, hours },
    ],
  },
  refused: { screen: 'refused', ...common, reason: 'supportMeasure' },
  options: {
    screen: 'options',
    ...common,
    certificate: 'juminhyo',
    options: {
      type: 'juminhyo',
      members: ['m-1'],
      householderAndRelationship: true,
      honseki: false,
      myNumber: false,
      foreignResidentFields: false,
    },
    choices: { household, honseki: true, foreignResidentFields: false, taxYears: [] },
    copies: 1,
    feePerCopyYen: 200,
    feeYen: 200,
  },
  payment: {
    screen: 'payment',
    ...common,
    certificate: 'juminhyo',
    copies: 2,
    dueYen: 400,
    insertedYen: 100,
  },
  removeCard: { screen: 'removeCard', ...common, certificate: 'juminhyo', changeYen: 600 },
  printing: { screen: 'printing', ...common, certificate: 'juminhyo', page: 1, pages: 2 },
  takeCertificate: {
    screen: 'takeCertificate',
    ...common,
    certificate: 'juminhyo',
    printedCopies: 2,
    copies: 3,
    refundedYen: 200,
  },
  pinLocked: { screen: 'pinLocked', ...common },
  resetChoose: { screen: 'resetChoose', ...common, triesLeft: { userAuth: 3, signature: 5 } },
  resetProve: {
    screen: 'resetProve',
    ...common,
    reset: 'userAuth',
    proveWith: 'signature',
    triesLeft: 5,
    maxTries: 5,
  },
  resetChecking: { screen: 'resetChecking', ...common, reset: 'userAuth' },
  resetNewPin: { screen: 'resetNewPin', ...common, reset: 'userAuth' },
  resetWriting: { screen: 'resetWriting', ...common, reset: 'userAuth' },
  resetDone: { screen: 'resetDone', ...common, reset: 'userAuth' },
  callStaff: { screen: 'callStaff', ...common, reason: 'jam' },
  outOfService: { screen: 'outOfService', ...common },
  staffLogin: { screen: 'staffLogin', ...common },
  staffMenu: {
    screen: 'staffMenu',
    ...common,
    printer: { state: 'jam', jamWhere: 'fuser', paperLow: true },
    jobPaused: true,
    owedRefunds: { count: 2, totalYen: 750 },
    outOfService: false,
    lastAction: null,
  },
  staffOwedRefunds: {
    screen: 'staffOwedRefunds',
    ...common,
    refunds: [
      {
        refundId: '3f1c2b4a-5d6e-4f70-8a91-b2c3d4e5f601',
        amountYen: 300,
        owedAt: '2026-11-22T01:30:00.000Z',
      },
      {
        refundId: '3f1c2b4a-5d6e-4f70-8a91-b2c3d4e5f602',
        amountYen: 450,
        owedAt: '2026-11-22T14:05:00.000Z',
      },
    ],
    lastSettled: { amountYen: 300 },
  },
};

/** Other option screens: tax year, koseki scope, a certificate with nothing to choose, a foreign resident. */
export const optionVariants: Of<'options'>[] = [
  {
    ...fixtures.options,
    certificate: 'taxIncome',
    options: { type: 'taxIncome', year: 2025 },
    choices: { ...noChoices, taxYears: [2025, 2024] },
    feePerCopyYen: 300,
    feeYen: 300,
  },
  {
    ...fixtures.options,
    certificate: 'koseki',
    options: { type: 'koseki', scope: 'all' },
    choices: noChoices,
    copies: 10,
    feePerCopyYen: 450,
    feeYen: 4500,
  },
  {
    ...fixtures.options,
    certificate: 'sealRegistration',
    options: { type: 'sealRegistration' },
    choices: noChoices,
  },
  {
    ...fixtures.options,
    options: { ...juminhyoDefaults, members: 'household' },
    choices: { household, honseki: false, foreignResidentFields: true, taxYears: [] },
  },
];

export function inLanguage(state: State, language: Language): State {
  return { ...state, language };
}

export function withDisplay(state: State, display: Partial<Display>): State {
  return { ...state, display: { ...state.display, ...display } };
}

/** Every fixture in ja and en, option variants, notices, and display modes on a few busy screens. */
export function allVariants(): { name: string; state: State }[] {
  const out: { name: string; state: State }[] = [];
  for (const state of Object.values(fixtures) as State[]) {
    for (const language of ['ja', 'en'] as const) {
      out.push({ name: `${state.screen}/${language}`, state: inLanguage(state, language) });
    }
  }
  optionVariants.forEach((state, i) => out.push({ name: `options-${state.options.type}-${i}/ja`, state }));
  out.push({
    name: 'pin/notice-PIN_WRONG/ja',
    state: { ...fixtures.pin, triesLeft: 2, notice: { code: 'PIN_WRONG', action: 'user', triesLeft: 2 } },
  });
  out.push({
    name: 'payment/notice-PAYMENT_FAILED/en',
    state: { ...fixtures.payment, language: 'en', notice: { code: 'PAYMENT_FAILED', action: 'staff' } },
  });
  out.push({
    name: 'options/notice-OPTIONS_INVALID/ja',
    state: { ...fixtures.options, notice: { code: 'OPTIONS_INVALID', action: 'user' } },
  });
  out.push({ name: 'pin/inactivity/ja', state: { ...fixtures.pin, inactivityResetAt: Date.now() + 60_000 } });
  for (const screen of ['chooseCertificate', 'options', 'payment', 'takeCertificate', 'pin'] as const) {
    const base = fixtures[screen];
    out.push({ name: `${screen}/large/ja`, state: withDisplay(base, { largeText: true }) });
    out.push({
      name: `${screen}/contrast/en`,
      state: withDisplay(inLanguage(base, 'en'), { highContrast: true }),
    });
    out.push({
      name: `${screen}/large+contrast/ja`,
      state: withDisplay(base, { largeText: true, highContrast: true }),
    });
  }
  for (const language of ['zh-Hans', 'ko', 'vi', 'pt', 'ja-easy'] as const) {
    out.push({ name: `options/${language}`, state: inLanguage(fixtures.options, language) });
  }
  // Schema check: a fixture the agent could never send would make the UI drop it silently.
  for (const { name, state } of out) {
    const parsed = ScreenState.safeParse(state);
    if (!parsed.success) throw new Error(`fixture ${name} is not a valid ScreenState`);
  }
  return out;
}
