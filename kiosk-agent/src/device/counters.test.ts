import { describe, expect, it } from 'vitest';
import type { ScreenState } from '../protocol/state';
import { KioskCounters } from './counters';

const common = {
  language: 'ja',
  display: { largeText: false, highContrast: false },
  notice: null,
  inactivityResetAt: null,
} as const;

describe('KioskCounters', () => {
  it('counts sessions, wrong PINs, issuances and pages from screens and printer progress', () => {
    const c = new KioskCounters();
    const show = (state: Partial<ScreenState> & { screen: ScreenState['screen'] }) =>
      c.onScreen({ ...common, ...state } as ScreenState);
    show({ screen: 'pin', triesLeft: 3, maxTries: 3 } as never);
    show({ screen: 'authenticating' });
    show({
      screen: 'pin',
      triesLeft: 2,
      maxTries: 3,
      notice: { code: 'PIN_WRONG', action: 'user', triesLeft: 2 },
    } as never);
    show({ screen: 'authenticating' });
    show({ screen: 'chooseCertificate', municipality: '葵市', certificates: [] } as never);
    c.onPrinter({ state: 'printing', page: 1, pages: 2 } as never);
    c.onPrinter({ state: 'printing', page: 2, pages: 2 } as never);
    c.onPrinter({ state: 'idle' } as never);
    show({
      screen: 'takeCertificate',
      certificate: 'juminhyo',
      printedCopies: 1,
      copies: 1,
      refundedYen: 0,
    } as never);
    expect(c.snapshot).toEqual({ sessions: 1, authFailures: 1, issuances: 1, pagesPrinted: 2 });
  });

  it('does not count the page a jam spoiled', () => {
    const c = new KioskCounters();
    c.onPrinter({ state: 'printing', page: 1, pages: 2 });
    c.onPrinter({ state: 'printing', page: 2, pages: 2 });
    c.onPrinter({ state: 'jam', where: 'fuser' });
    c.onPrinter({ state: 'idle' });
    expect(c.snapshot.pagesPrinted).toBe(1);
  });

  it('does not count a refund-only ending as an issuance', () => {
    const c = new KioskCounters();
    c.onScreen({
      ...common,
      screen: 'takeCertificate',
      certificate: 'juminhyo',
      printedCopies: 0,
      copies: 1,
      refundedYen: 300,
    });
    expect(c.snapshot.issuances).toBe(0);
  });
});
