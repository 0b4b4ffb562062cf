import type { CertificateType, ErrorAction, ErrorCode, Language } from 'kiosk-agent/protocol/index';

/**
 * The one message catalogue of the kiosk UI. Every language implements the whole `Messages` interface,
 * so a key missing in any language is a type error. Errors are keyed by the protocol's ErrorCode
 * (Record<ErrorCode, …>): a new code in the protocol fails the build until both languages say it.
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
    confirm: string;
    print: string;
    done: string;
    current: string;
  };
  idle: { title: string; lead: string; bring: string; start: string };
  serviceMenu: { title: string; lead: string; none: string };
  placeCard: { title: string; lead: string; keep: string; selected: string };
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
  confirm: {
    title: string;
    lead: string;
    certificate: string;
    copies: string;
    copiesValue: (n: number) => string;
    municipality: string;
    fee: string;
    confirm: string;
  };
  printing: {
    title: string;
    lead: string;
    progress: (page: number, pages: number) => string;
    keepCard: string;
  };
  takeCardAndCertificate: { title: string; lead: string; card: string; certificate: string };
  pinLocked: { title: string; lead: string; howToReset: string; takeCard: string };
  inactivity: { title: string; countdown: (seconds: number) => string; stillHere: string };
  connecting: { title: string; lead: string };
  device: {
    readerUnavailable: string;
    paperOut: string;
    jam: string;
    printerOffline: string;
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

const ja: Messages = {
  appTitle: '証明書交付サービス',
  languageSwitch: '言語 / Language',
  cancel: 'やめる',
  finish: 'おわる',
  steps: {
    label: '手順',
    card: 'カード',
    pin: '暗証番号',
    confirm: '確認',
    print: '印刷',
    done: '済み',
    current: 'いまここ',
  },
  idle: {
    title: 'マイナンバーカードで証明書をとる',
    lead: '住民票の写しを、この機械で印刷できます。',
    bring: 'マイナンバーカードと、暗証番号（数字4けた）をご用意ください。',
    start: 'はじめる',
  },
  serviceMenu: {
    title: 'とりたい証明書を選んでください',
    lead: '証明書のボタンを押してください。',
    none: 'いまは、とれる証明書がありません。',
  },
  placeCard: {
    title: 'カードを置いてください',
    lead: 'マイナンバーカードを、読み取り台に置いてください。',
    keep: 'カードは、終わるまで置いたままにしてください。',
    selected: 'とる証明書',
  },
  pin: {
    title: '暗証番号を入れてください',
    lead: '数字4けたを押して、「決定」を押してください。',
    which: 'カードを受け取ったときに決めた、数字4けたの暗証番号です。',
    triesLeft: (n) => `あと ${n} 回`,
    triesHint: 'まちがえが続くと、カードがロックされます。',
    dots: (typed, max) => `${max}けたのうち ${typed}けた入力しました`,
    submit: '決定',
    backspace: '1つ消す',
    clear: '全部消す',
    keypad: '数字のボタン',
  },
  authenticating: {
    title: 'カードを確認しています',
    lead: 'カードを動かさずに、そのままお待ちください。',
  },
  confirm: {
    title: '内容を確かめてください',
    lead: 'よろしければ「印刷する」を押してください。',
    certificate: '証明書',
    copies: '通数',
    copiesValue: (n) => `${n}通`,
    municipality: '市区町村',
    fee: '手数料',
    confirm: '印刷する',
  },
  printing: {
    title: '印刷しています',
    lead: 'しばらくお待ちください。',
    progress: (page, pages) => `${pages}枚中 ${page}枚 印刷しました`,
    keepCard: 'カードは、まだ取らないでください。',
  },
  takeCardAndCertificate: {
    title: 'カードと証明書をお取りください',
    lead: 'お忘れ物のないよう、お気をつけください。',
    card: 'マイナンバーカード',
    certificate: '証明書',
  },
  pinLocked: {
    title: '暗証番号がロックされています',
    lead: 'このカードでは、いま証明書をとることができません。',
    howToReset:
      '暗証番号の再設定は、お住まいの市区町村の窓口でできます。スマートフォンのアプリで予約すると、この機械でもできます。',
    takeCard: 'カードをお取りください。',
  },
  inactivity: {
    title: 'まだ お使いですか？',
    countdown: (s) => `あと ${s} 秒で、はじめの画面にもどります。`,
    stillHere: '続ける',
  },
  connecting: { title: '接続中…', lead: 'しばらくお待ちください。' },
  device: {
    readerUnavailable: 'カードの読み取り台が使えません。',
    paperOut: '用紙がなくなりました。',
    jam: '紙がつまりました。',
    printerOffline: 'プリンターが使えません。',
    hqOffline: 'ただいま通信ができません。',
    callStaff: '店員をお呼びください。',
  },
  certificates: { juminhyo: '住民票の写し' },
  certificateHints: { juminhyo: '住所などを証明します' },
  fee: (yen) => `${yen.toLocaleString('ja-JP')}円`,
  errors: {
    CARD_REMOVED: 'カードが取り出されました。はじめからやり直してください。',
    CARD_UNREADABLE: 'カードを読み取れませんでした。カードを置き直してください。',
    CARD_TIMEOUT: 'カードが置かれませんでした。',
    READER_UNAVAILABLE: 'カードの読み取り台が使えません。',
    PIN_WRONG: '暗証番号がちがいます。',
    PIN_LOCKED: '暗証番号がロックされました。',
    PIN_FORMAT: '暗証番号は数字4けたです。',
    CERTIFICATE_INVALID:
      'このカードの電子証明書は使えません（有効期限切れなど）。市区町村の窓口でご相談ください。',
    CARD_NOT_REGISTERED: 'このカードでは、このサービスを使えません。市区町村の窓口でご相談ください。',
    SERVICE_REFUSED: 'いまは、この証明書をとることができません（受付時間外など）。',
    HQ_UNAVAILABLE: 'ただいま通信ができません。料金はかかっていません。しばらくしてからお試しください。',
    HQ_REJECTED: '証明書を出すことができませんでした。料金はかかっていません。',
    DOCUMENT_INVALID: '証明書のデータに問題があったため、印刷を止めました。料金はかかっていません。',
    PRINTER_FAILED: '印刷できませんでした。',
    INACTIVITY_TIMEOUT: 'しばらく操作がなかったので、はじめの画面にもどりました。',
    BAD_REQUEST: 'うまく受け付けられませんでした。もう一度押してください。',
    INVALID_STATE: 'いまは、その操作はできません。',
    UNAUTHORIZED: 'この画面は、機械につながることができません。',
    INTERNAL: '機械の中でエラーが起きました。',
  },
  errorActions: {
    user: null,
    staff: '店員をお呼びください。',
    technician: '店員にお知らせください。',
    automatic: null,
  },
  noticeTriesLeft: (n) =>
    n === 0 ? 'カードがロックされました。' : `あと ${n} 回まちがえると、カードがロックされます。`,
};

const en: Messages = {
  appTitle: 'Certificate Service',
  languageSwitch: 'Language / 言語',
  cancel: 'Cancel',
  finish: 'Finish',
  steps: {
    label: 'Steps',
    card: 'Card',
    pin: 'PIN',
    confirm: 'Check',
    print: 'Print',
    done: 'done',
    current: 'now',
  },
  idle: {
    title: 'Get a certificate with your My Number card',
    lead: 'Print a Certificate of Residence at this machine.',
    bring: 'You need your My Number card and its PIN (4 digits).',
    start: 'Start',
  },
  serviceMenu: {
    title: 'Choose a certificate',
    lead: 'Press the certificate you need.',
    none: 'No certificates are available right now.',
  },
  placeCard: {
    title: 'Place your card',
    lead: 'Put your My Number card on the card reader.',
    keep: 'Leave the card there until the end.',
    selected: 'Certificate',
  },
  pin: {
    title: 'Enter your PIN',
    lead: 'Press the 4 digits, then press “OK”.',
    which: 'Your PIN is the 4 numbers you chose when you got the card.',
    triesLeft: (n) => `${n} ${n === 1 ? 'try' : 'tries'} left`,
    triesHint: 'Too many wrong tries will lock the card.',
    dots: (typed, max) => `${typed} of ${max} digits entered`,
    submit: 'OK',
    backspace: 'Delete',
    clear: 'Clear',
    keypad: 'Number keys',
  },
  authenticating: {
    title: 'Checking your card',
    lead: 'Please wait. Do not move the card.',
  },
  confirm: {
    title: 'Please check',
    lead: 'If this is right, press “Print”.',
    certificate: 'Certificate',
    copies: 'Copies',
    copiesValue: (n) => `${n} ${n === 1 ? 'copy' : 'copies'}`,
    municipality: 'City',
    fee: 'Fee',
    confirm: 'Print',
  },
  printing: {
    title: 'Printing',
    lead: 'Please wait.',
    progress: (page, pages) => `${page} of ${pages} ${pages === 1 ? 'page' : 'pages'} printed`,
    keepCard: 'Do not take your card yet.',
  },
  takeCardAndCertificate: {
    title: 'Take your card and certificate',
    lead: 'Please do not leave anything behind.',
    card: 'My Number card',
    certificate: 'Certificate',
  },
  pinLocked: {
    title: 'Your PIN is locked',
    lead: 'You cannot get a certificate with this card now.',
    howToReset:
      'You can reset the PIN at your city office. If you book a reset in the smartphone app, you can also finish it at this machine.',
    takeCard: 'Please take your card.',
  },
  inactivity: {
    title: 'Are you still there?',
    countdown: (s) => `Going back to the start in ${s} ${s === 1 ? 'second' : 'seconds'}.`,
    stillHere: 'I’m still here',
  },
  connecting: { title: 'Connecting…', lead: 'Please wait.' },
  device: {
    readerUnavailable: 'The card reader is not working.',
    paperOut: 'The printer is out of paper.',
    jam: 'Paper is stuck in the printer.',
    printerOffline: 'The printer is not working.',
    hqOffline: 'The service cannot be reached right now.',
    callStaff: 'Please call a store staff member.',
  },
  certificates: { juminhyo: 'Certificate of Residence' },
  certificateHints: { juminhyo: 'Shows your address (住民票の写し)' },
  fee: (yen) => `¥${yen.toLocaleString('en-US')}`,
  errors: {
    CARD_REMOVED: 'The card was taken out. Please start again.',
    CARD_UNREADABLE: 'The card could not be read. Please place it again.',
    CARD_TIMEOUT: 'No card was placed.',
    READER_UNAVAILABLE: 'The card reader is not working.',
    PIN_WRONG: 'Wrong PIN.',
    PIN_LOCKED: 'The PIN is now locked.',
    PIN_FORMAT: 'The PIN is 4 digits.',
    CERTIFICATE_INVALID:
      'The electronic certificate on this card cannot be used (it may have expired). Please ask at your city office.',
    CARD_NOT_REGISTERED: 'This card cannot be used for this service. Please ask at your city office.',
    SERVICE_REFUSED: 'This certificate cannot be issued right now (for example, outside service hours).',
    HQ_UNAVAILABLE: 'The service cannot be reached right now. You have not been charged. Please try later.',
    HQ_REJECTED: 'The certificate could not be issued. You have not been charged.',
    DOCUMENT_INVALID:
      'Printing was stopped because of a problem with the certificate data. You have not been charged.',
    PRINTER_FAILED: 'The certificate could not be printed.',
    INACTIVITY_TIMEOUT: 'Nothing was pressed for a while, so we went back to the start.',
    BAD_REQUEST: 'That did not work. Please press again.',
    INVALID_STATE: 'That cannot be done right now.',
    UNAUTHORIZED: 'This screen cannot connect to the machine.',
    INTERNAL: 'Something went wrong inside the machine.',
  },
  errorActions: {
    user: null,
    staff: 'Please call a store staff member.',
    technician: 'Please tell a store staff member.',
    automatic: null,
  },
  noticeTriesLeft: (n) =>
    n === 0 ? 'The card is now locked.' : `${n} more wrong ${n === 1 ? 'try' : 'tries'} will lock the card.`,
};

export const catalogue: Record<Language, Messages> = { ja, en };
