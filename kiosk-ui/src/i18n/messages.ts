import type {
  CertificateType,
  ErrorAction,
  ErrorCode,
  Language,
  PinKind,
  Service,
  StaffAction,
  StaffCallReason,
} from 'kiosk-agent/protocol/index';

/** Printer states the staff menu names (the protocol's `staffMenu.printer.state`). */
export type PrinterState = 'idle' | 'printing' | 'paperOut' | 'jam' | 'coverOpen' | 'offline';
/** Where the jam drawing can point; anything else the agent reports is 'unknown' (the whole path). */
export type JamPlace = 'tray1' | 'feed' | 'fuser' | 'output';

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
    resumeHint: string;
    faultHints: Record<'paperOut' | 'coverOpen' | 'offline', string>;
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
    hqOffline: string;
    callStaff: string;
  };
  certificates: Record<CertificateType, string>;
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
  resetSteps: { card: 'カード', choose: '選ぶ', verify: '本人確認', newPin: '新しい番号' },
  idle: {
    title: 'マイナンバーカードで証明書をとる',
    lead: '住民票の写しを、この機械で印刷できます。アプリで予約した暗証番号の再設定もできます。',
    bring: 'マイナンバーカードと、暗証番号（数字4けた）をご用意ください。',
    start: 'はじめる',
  },
  serviceMenu: {
    title: 'ご用件を選んでください',
    lead: 'とりたい証明書か、お手続きのボタンを押してください。',
    none: 'いまは、ご利用になれるサービスがありません。',
  },
  services: { juminhyo: '住民票の写し', pinReset: '暗証番号の再設定' },
  serviceHints: {
    juminhyo: '住所などを証明します',
    pinReset: 'スマートフォンのアプリで予約した方',
  },
  placeCard: {
    title: 'カードを置いてください',
    lead: 'マイナンバーカードを、読み取り台に置いてください。',
    keep: 'カードは、終わるまで置いたままにしてください。',
    selected: { juminhyo: 'とる証明書', pinReset: 'お手続き' },
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
    howToReset: '暗証番号を再設定すると、また使えるようになります。',
    optionApp:
      'スマートフォンのアプリ（マイナポータル）で再設定を予約して、この機械にもう一度お越しください。英数字の暗証番号（6〜16文字）が必要です。',
    optionOffice: 'または、お住まいの市区町村の窓口でお手続きください。',
    takeCard: 'カードをお取りください。',
  },
  pinKinds: {
    userAuth: { name: '数字4けたの暗証番号', detail: '利用者証明用電子証明書' },
    signature: { name: '英数字の暗証番号（6〜16文字）', detail: '署名用電子証明書' },
  },
  rules: {
    label: '暗証番号のきまり',
    digits4: (n) => (n >= 4 ? '数字4けた' : `数字4けた（あと ${4 - n}けた）`),
    length: (n) => `6〜16文字（いま ${n}文字）`,
    letter: '英字（A〜Z）を1つ以上',
    digit: '数字（0〜9）を1つ以上',
    met: 'OK',
    unmet: 'まだ',
  },
  secret: {
    show: '表示する',
    hide: 'かくす',
    field: (n) => `${n}文字 入力しました`,
  },
  alnum: { keypad: '英字と数字のボタン' },
  resetChoose: {
    title: 'どちらの暗証番号を再設定しますか',
    lead: 'スマートフォンのアプリで予約した暗証番号を選んでください。',
    triesLeft: (n) => `あと ${n} 回`,
    locked: 'ロック中',
    proveWith: (other) => `本人確認に、${other}を使います。`,
    noSignature: 'このカードには署名用電子証明書がないため、選べません。',
    noProof: 'このカードでは、市区町村の窓口でのお手続きになります。',
  },
  resetProve: {
    title: {
      userAuth: '数字4けたの暗証番号を入れてください',
      signature: '英数字の暗証番号を入れてください',
    },
    lead: {
      signature: '英数字の暗証番号を再設定するため、いまの数字4けたの暗証番号で本人確認をします。',
      userAuth: '数字4けたの暗証番号を再設定するため、いまの英数字の暗証番号で本人確認をします。',
    },
    how: {
      userAuth: '数字4けたを押して、「決定」を押してください。',
      signature: '英字（A〜Z）と数字を押して、「決定」を押してください。',
    },
  },
  resetChecking: {
    title: '予約を確認しています',
    lead: 'カードを動かさずに、そのままお待ちください。',
  },
  resetNewPin: {
    title: '新しい暗証番号を決めてください',
    lead: {
      userAuth: '新しい数字4けたの暗証番号を、2回入れます。',
      signature: '新しい英数字の暗証番号（6〜16文字）を、2回入れます。',
    },
    first: '1回目：新しい暗証番号を入れてください',
    confirm: '2回目：確認のため、同じものをもう一度入れてください',
    mismatch: '1回目と2回目がちがいました。もう一度、1回目から入れてください。',
    next: '次へ',
    submit: '決定',
  },
  resetWriting: {
    title: 'カードに書き込んでいます',
    lead: 'しばらくお待ちください。',
    dontRemove: 'カードを取らないでください！',
  },
  resetDone: {
    title: '暗証番号を再設定しました',
    lead: {
      userAuth: 'これからは、新しい数字4けたの暗証番号をお使いください。',
      signature: 'これからは、新しい英数字の暗証番号をお使いください。',
    },
    takeCard: 'カードをお取りください。',
  },
  callStaff: {
    title: '店員をお呼びください',
    lead: 'レジの店員に、お声がけください。',
    reasons: {
      jam: 'プリンターに紙がつまりました。',
      paperOut: '用紙がなくなりました。',
      coverOpen: 'プリンターのふたが開いています。',
      offline: '機械の一部が、いま使えません。',
    },
    wait: 'このまま、しばらくお待ちください。',
  },
  outOfService: {
    sign: '休止中',
    title: 'ただいま休止中です',
    lead: 'この機械は、いまお使いいただけません。ご迷惑をおかけして申し訳ありません。',
  },
  staffLogin: {
    title: 'スタッフログイン',
    lead: 'スタッフコード（数字6〜8けた）を入れてください。',
    submit: 'ログイン',
  },
  staffMenu: {
    title: 'スタッフメニュー',
    printer: 'プリンター',
    printerStates: {
      idle: '正常',
      printing: '印刷中',
      paperOut: '用紙切れ',
      jam: '紙づまり',
      coverOpen: 'カバーが開いている',
      offline: '接続なし',
    },
    paperLow: '用紙が残りわずか',
    jobPaused: 'お客様の印刷が止まっています',
    kiosk: '受付',
    inService: '稼働中',
    outOfService: '休止中',
    lastAction: {
      resume: '印刷を再開しました。',
      refillPaper: '用紙の補充を記録しました。',
      testPage: 'テスト印刷を送りました。',
      outOfService: '休止中にしました。',
      inService: '受付を再開しました。',
    },
    actions: {
      resume: '印刷を再開',
      refillPaper: '用紙を補充した',
      testPage: 'テスト印刷',
      outOfService: '休止中にする',
      inService: '受付を再開する',
      exit: '終了',
    },
    resumeHint: '先にプリンターの異常を取り除いてから再開してください。',
    faultHints: {
      paperOut: 'トレイ1に用紙を補充して、「用紙を補充した」を押してください。',
      coverOpen: 'プリンターのカバーとトレイを、すべて閉めてください。',
      offline: 'プリンターの電源とケーブルを確かめてください。直らないときは保守窓口へ連絡してください。',
    },
  },
  jam: {
    title: '紙づまりの取り除き方',
    drawing: (where) => `プリンターの図：紙がつまっている場所は ${where}`,
    places: { tray1: 'トレイ1', feed: '搬送部', fuser: '定着部', output: '排紙口' },
    steps: {
      tray1: [
        'トレイ1を手前にゆっくり引き出す。',
        'つまった紙を、破らないようにまっすぐ取り出す。',
        '用紙の束をそろえて入れ直し、トレイを奥まで戻す。',
      ],
      feed: [
        '右側のカバーを開ける。',
        '搬送ローラーの間の紙を、ゆっくり引き抜く。',
        '右側のカバーを「カチッ」と閉める。',
      ],
      fuser: [
        '前カバーを開ける。定着部は高温です。約10分待ってから触る。',
        '緑のレバーを下げ、紙を排紙方向へゆっくり引き抜く。',
        'レバーを戻し、前カバーを閉める。',
      ],
      output: [
        '排紙口から出かかった紙を、まっすぐ引き抜く。',
        '上カバーを開けて、中に紙が残っていないか見て閉める。',
      ],
      unknown: [
        '排紙口 → 定着部（高温注意）→ 搬送部 → トレイ1 の順に、つまった紙を探して取り除く。',
        '開けたカバーとトレイを、すべて元に戻す。',
      ],
    },
    after: [
      '破れた紙片が残っていないか確かめる。',
      '取り出した紙は、お客様の証明書かもしれません。読まずに店舗の手順で破棄する。',
      '「印刷を再開」を押す。',
    ],
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
  fee: (yen) => `${yen.toLocaleString('ja-JP')}円`,
  errors: {
    CARD_REMOVED: 'カードが取り出されました。はじめからやり直してください。',
    CARD_UNREADABLE: 'カードを読み取れませんでした。カードを置き直してください。',
    CARD_TIMEOUT: 'カードが置かれませんでした。',
    READER_UNAVAILABLE: 'カードの読み取り台が使えません。',
    PIN_WRONG: '暗証番号がちがいます。',
    PIN_LOCKED: '暗証番号がロックされました。',
    PIN_FORMAT: '暗証番号の形がちがいます（数字4けた、または英数字6〜16文字）。',
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
    PIN_RESET_NOT_RESERVED:
      'このカードの暗証番号の再設定は、予約されていません。先にスマートフォンのアプリ（マイナポータル）で予約してから、もう一度この機械にお越しください。',
    PIN_RESET_EXPIRED: '予約の期限が切れています。スマートフォンのアプリで、もう一度予約してください。',
    PIN_RESET_USED: 'この予約は、もう使われています。もう一度予約するか、市区町村の窓口でご相談ください。',
    PIN_RESET_BOTH_LOCKED:
      '2つの暗証番号が、両方ともロックされています。この機械やアプリでは再設定できません。お住まいの市区町村の窓口でお手続きください。',
    PIN_RESET_NO_SIGNATURE_CERTIFICATE:
      'このカードには署名用電子証明書がないため、この機械では再設定できません。市区町村の窓口でお手続きください。',
    PIN_RESET_INTERRUPTED_UNCHANGED:
      '再設定は途中で止まりました。暗証番号は変わっていません。これまでの暗証番号が、そのまま使えます。',
    PIN_RESET_INTERRUPTED_CHANGED:
      '途中で止まりましたが、新しい暗証番号は設定されました。これからは新しい暗証番号をお使いください。',
    PIN_RESET_CHECK_CARD:
      '書き込みの途中でカードが取り出されました。暗証番号が変わったかどうかを確かめるため、もう一度カードを置いてください。',
    STAFF_CODE_WRONG: 'スタッフコードがちがいます。',
    OUT_OF_SERVICE: 'この機械は、ただいま休止中です。',
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
  resetSteps: { card: 'Card', choose: 'Choose', verify: 'Verify', newPin: 'New PIN' },
  idle: {
    title: 'Get a certificate with your My Number card',
    lead: 'Print a Certificate of Residence at this machine, or finish a PIN reset you booked in the app.',
    bring: 'You need your My Number card and its PIN (4 digits).',
    start: 'Start',
  },
  serviceMenu: {
    title: 'What would you like to do?',
    lead: 'Press the certificate or the service you need.',
    none: 'No services are available right now.',
  },
  services: { juminhyo: 'Certificate of Residence', pinReset: 'Reset a PIN' },
  serviceHints: {
    juminhyo: 'Shows your address (住民票の写し)',
    pinReset: 'If you booked it in the smartphone app',
  },
  placeCard: {
    title: 'Place your card',
    lead: 'Put your My Number card on the card reader.',
    keep: 'Leave the card there until the end.',
    selected: { juminhyo: 'Certificate', pinReset: 'Service' },
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
    howToReset: 'Reset the PIN to use the card again.',
    optionApp:
      'Book a PIN reset in the smartphone app (Mynaportal), then come back to this machine. You will need your signature PIN (6–16 letters and numbers).',
    optionOffice: 'Or go to your city office.',
    takeCard: 'Please take your card.',
  },
  pinKinds: {
    userAuth: { name: '4-digit PIN', detail: 'For identity checks' },
    signature: { name: 'Signature PIN (6–16 letters and numbers)', detail: 'For electronic signatures' },
  },
  rules: {
    label: 'PIN rules',
    digits4: (n) => (n >= 4 ? '4 digits' : `4 digits (${4 - n} more)`),
    length: (n) => `6 to 16 characters (now ${n})`,
    letter: 'At least one letter (A–Z)',
    digit: 'At least one number (0–9)',
    met: 'done',
    unmet: 'not yet',
  },
  secret: {
    show: 'Show',
    hide: 'Hide',
    field: (n) => `${n} ${n === 1 ? 'character' : 'characters'} entered`,
  },
  alnum: { keypad: 'Letter and number keys' },
  resetChoose: {
    title: 'Which PIN do you want to reset?',
    lead: 'Choose the PIN you booked a reset for in the smartphone app.',
    triesLeft: (n) => `${n} ${n === 1 ? 'try' : 'tries'} left`,
    locked: 'Locked',
    proveWith: (other) => `You will need your ${other} to prove it is you.`,
    noSignature: 'This card has no signature certificate, so this cannot be chosen.',
    noProof: 'With this card, please do this at your city office.',
  },
  resetProve: {
    title: {
      userAuth: 'Enter your 4-digit PIN',
      signature: 'Enter your signature PIN',
    },
    lead: {
      signature: 'To reset your signature PIN, first prove it is you with your 4-digit PIN.',
      userAuth: 'To reset your 4-digit PIN, first prove it is you with your signature PIN.',
    },
    how: {
      userAuth: 'Press the 4 digits, then press “OK”.',
      signature: 'Press the letters (A–Z) and numbers, then press “OK”.',
    },
  },
  resetChecking: {
    title: 'Checking your booking',
    lead: 'Please wait. Do not move the card.',
  },
  resetNewPin: {
    title: 'Choose a new PIN',
    lead: {
      userAuth: 'Enter your new 4-digit PIN twice.',
      signature: 'Enter your new signature PIN (6–16 letters and numbers) twice.',
    },
    first: 'Step 1: enter the new PIN',
    confirm: 'Step 2: enter the same PIN again to check it',
    mismatch: 'The two entries were different. Please start again from step 1.',
    next: 'Next',
    submit: 'OK',
  },
  resetWriting: {
    title: 'Writing to your card',
    lead: 'Please wait.',
    dontRemove: 'Do not remove your card!',
  },
  resetDone: {
    title: 'Your PIN has been reset',
    lead: {
      userAuth: 'From now on, use your new 4-digit PIN.',
      signature: 'From now on, use your new signature PIN.',
    },
    takeCard: 'Please take your card.',
  },
  callStaff: {
    title: 'Please call a store staff member',
    lead: 'Please ask a staff member at the counter.',
    reasons: {
      jam: 'Paper is stuck in the printer.',
      paperOut: 'The printer is out of paper.',
      coverOpen: 'A printer cover is open.',
      offline: 'Part of the machine is not working right now.',
    },
    wait: 'Please wait here for a moment.',
  },
  outOfService: {
    sign: 'Closed',
    title: 'Out of service',
    lead: 'This machine cannot be used right now. We are sorry for the inconvenience.',
  },
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
      refillPaper: 'Paper refill recorded.',
      testPage: 'Test page sent.',
      outOfService: 'The kiosk is now out of service.',
      inService: 'The kiosk is back in service.',
    },
    actions: {
      resume: 'Resume printing',
      refillPaper: 'Paper refilled',
      testPage: 'Test page',
      outOfService: 'Take out of service',
      inService: 'Back in service',
      exit: 'Exit',
    },
    resumeHint: 'Clear the printer fault first, then resume.',
    faultHints: {
      paperOut: 'Load paper into tray 1, then press “Paper refilled”.',
      coverOpen: 'Close every printer cover and tray.',
      offline: 'Check the printer’s power and cable. If that does not help, call maintenance.',
    },
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
  fee: (yen) => `¥${yen.toLocaleString('en-US')}`,
  errors: {
    CARD_REMOVED: 'The card was taken out. Please start again.',
    CARD_UNREADABLE: 'The card could not be read. Please place it again.',
    CARD_TIMEOUT: 'No card was placed.',
    READER_UNAVAILABLE: 'The card reader is not working.',
    PIN_WRONG: 'Wrong PIN.',
    PIN_LOCKED: 'The PIN is now locked.',
    PIN_FORMAT: 'The PIN is not in the right form (4 digits, or 6–16 letters and numbers).',
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
    PIN_RESET_NOT_RESERVED:
      'No PIN reset is booked for this card. Please book it first in the smartphone app (Mynaportal), then come back to this machine.',
    PIN_RESET_EXPIRED: 'Your booking has expired. Please book again in the smartphone app.',
    PIN_RESET_USED: 'This booking has already been used. Please book again, or ask at your city office.',
    PIN_RESET_BOTH_LOCKED:
      'Both PINs are locked. They cannot be reset here or in the app. Please go to your city office.',
    PIN_RESET_NO_SIGNATURE_CERTIFICATE:
      'This card has no signature certificate, so the PIN cannot be reset here. Please go to your city office.',
    PIN_RESET_INTERRUPTED_UNCHANGED:
      'The reset was stopped. Your PIN has NOT changed: your old PIN still works.',
    PIN_RESET_INTERRUPTED_CHANGED:
      'The reset was stopped, but your NEW PIN has been set. From now on, use the new PIN.',
    PIN_RESET_CHECK_CARD:
      'The card was taken out while writing. Please put it back so we can check whether your PIN has changed.',
    STAFF_CODE_WRONG: 'Wrong staff code.',
    OUT_OF_SERVICE: 'This machine is out of service right now.',
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
