import type { Messages } from './messages';

/**
 * The staff-only screens in English (staff login, staff menu, refunds owed, the jam steps): store staff's
 * words, kept apart from the customer's catalogue (en.ts), which spreads them in.
 */
export const enStaff: Pick<Messages, 'staffLogin' | 'staffMenu' | 'staffOwedRefunds' | 'jam'> = {
  staffLogin: {
    title: 'Staff login',
    lead: 'Enter your staff code (6 to 8 digits).',
    submit: 'Log in',
  },
  staffMenu: {
    title: 'Staff menu',
    printer: 'Printer',
    printerStates: {
      idle: 'OK',
      printing: 'Printing',
      paperOut: 'Out of paper',
      jam: 'Paper jam',
      coverOpen: 'Cover open',
      offline: 'Offline',
    },
    paperLow: 'Paper is low',
    jobPaused: 'A customer’s print job is paused',
    kiosk: 'Kiosk',
    inService: 'In service',
    outOfService: 'Out of service',
    lastAction: {
      resume: 'Printing resumed.',
      cancelJob: 'Printing cancelled. The customer is refunded for the copies not printed.',
      refillPaper: 'Paper refill recorded.',
      testPage: 'Test page sent.',
      outOfService: 'The kiosk is now out of service.',
      inService: 'The kiosk is back in service.',
    },
    actions: {
      resume: 'Resume printing',
      cancelJob: 'Cancel printing (refund)',
      refillPaper: 'Paper refilled',
      testPage: 'Test page',
      outOfService: 'Take out of service',
      inService: 'Back in service',
      exit: 'Exit',
    },
    owedRefunds: (count) => `Refunds owed (${count})`,
    resumeHint: 'Clear the printer fault first, then resume.',
    faultHints: {
      paperOut: 'Load paper into tray 1, then press “Paper refilled”.',
      coverOpen: 'Close every printer cover and tray.',
      offline: 'Check the printer’s power and cable. If that does not help, call maintenance.',
    },
  },
  staffOwedRefunds: {
    title: 'Refunds owed',
    lead: 'Fees for copies that could not be printed before a restart. When the customer comes to the counter, pay them from the register, then press “Paid from the register”.',
    none: 'No refunds are owed.',
    amount: 'Amount',
    owedAt: 'Owed since (Japan time)',
    yen: (yen) => `¥${yen.toLocaleString('en-US')}`,
    paid: 'Paid from the register',
    confirm: (amount) => `Did you pay ${amount} from the register?`,
    confirmYes: 'Yes, paid',
    confirmNo: 'Not yet',
    settled: (amount) => `Payment of ${amount} recorded.`,
    back: 'Staff menu',
  },
  jam: {
    title: 'How to clear the jam',
    drawing: (where) => `Printer drawing: paper is stuck at ${where}`,
    places: { tray1: 'Tray 1', feed: 'Feed path', fuser: 'Fuser', output: 'Output' },
    steps: {
      tray1: [
        'Pull tray 1 out slowly.',
        'Take the stuck sheet out straight, without tearing it.',
        'Square the paper stack, put it back and push the tray all the way in.',
      ],
      feed: [
        'Open the right-hand cover.',
        'Pull the sheet out from between the feed rollers slowly.',
        'Close the right-hand cover until it clicks.',
      ],
      fuser: [
        'Open the front cover. The fuser is HOT: wait about 10 minutes before touching it.',
        'Lower the green lever and pull the sheet out slowly in the output direction.',
        'Raise the lever again and close the front cover.',
      ],
      output: [
        'Pull the sheet out of the output slot, straight.',
        'Open the top cover, check that no paper is left inside, and close it.',
      ],
      unknown: [
        'Look for the sheet in this order and remove it: output → fuser (HOT) → feed path → tray 1.',
        'Close every cover and push every tray back in.',
      ],
    },
    after: [
      'Check that no torn pieces are left.',
      'A removed sheet may be a customer’s certificate: do not read it; dispose of it as the store procedure says.',
      'Press “Resume printing”.',
    ],
  },
};
